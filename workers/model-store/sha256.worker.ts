/// <reference lib="webworker" />
import { messageOf } from '../error-text';
import { sha256Hex } from './sha256-hex';
import type { Sha256Answer } from './blob-sha256';

declare const self: DedicatedWorkerGlobalScope;

// Reads a stored file back and hashes it here, so the thread that blocks is this one and not the engine's.
self.onmessage = async ({ data }: MessageEvent<Blob>) => {
  try {
    self.postMessage({ digest: await sha256Hex(await data.arrayBuffer()) } satisfies Sha256Answer);
  } catch (error) {
    self.postMessage({ error: messageOf(error) } satisfies Sha256Answer);
  }
};
