/// <reference lib="webworker" />
import { createSHA256 } from 'hash-wasm';
import { messageOf } from '../error-text';
import { whenConnected } from '../helper-port';
import type { Sha256Answer, Sha256Request } from './helper-sha256';

// Hashes a file's chunks as the download stores them, on a thread of its own: beside the download, not in its way.
whenConnected((port) => {
  const hash = createSHA256();
  // Handled one after another, in order (the first waits for hash-wasm to load).
  let queue = Promise.resolve();
  port.onmessage = ({ data }: MessageEvent<Sha256Request>) => {
    queue = queue.then(async () => {
      try {
        if (data.type === 'update') {
          (await hash).update(data.bytes);
          port.postMessage({ type: 'hashed' } satisfies Sha256Answer);
        } else {
          port.postMessage({ type: 'digest', digest: (await hash).digest('hex') } satisfies Sha256Answer);
        }
      } catch (error) {
        port.postMessage({ type: 'error', message: messageOf(error) } satisfies Sha256Answer);
      }
    });
  };
});
