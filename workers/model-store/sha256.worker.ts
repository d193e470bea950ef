/// <reference lib="webworker" />
import { messageOf } from '../error-text';
import { whenConnected } from '../helper-port';
import { sha256Hex } from './sha256-hex';
import type { Sha256Answer } from './blob-sha256';

// Reads a stored file back and hashes it here, so the thread that blocks is this one and not the engine's.
whenConnected((port) => {
  port.onmessage = async ({ data }: MessageEvent<Blob>) => {
    try {
      port.postMessage({ digest: await sha256Hex(await data.arrayBuffer()) } satisfies Sha256Answer);
    } catch (error) {
      port.postMessage({ error: messageOf(error) } satisfies Sha256Answer);
    }
  };
});
