/**
 * The page side of `npm run bench:download`: a plain fetch that discards the bytes, the same fetch hashed as it
 * arrives in the page's thread (to tell a hash's cost from the store's), and the app's real download path (downloadFile
 * into the IndexedDB model store in a worker, verified by a helper worker), for the Node script to time and measure.
 */
import { createSHA256 } from 'hash-wasm';
import type { StartHelperMessage, StopHelperMessage } from '../../shared/protocol';
import { HelperWorkers } from '../../src/helper-workers';
import type { DownloadTarget } from '../../workers/model-store/file-download';
import type { DownloadBenchRequest, DownloadBenchResult } from './download-bench.worker';

async function fetchAndDiscard(url: string, onBytes: (bytes: Uint8Array) => void): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { cache: 'no-store' });
  const reader = response.body!.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    onBytes(value);
  }
  return { bytes, ms: performance.now() - started };
}

function plainFetch(url: string): Promise<{ bytes: number; ms: number }> {
  return fetchAndDiscard(url, () => {});
}

/** The fetch with sha256 taken as the bytes arrive (hash-wasm), in the same thread. */
async function hashedFetch(target: DownloadTarget): Promise<{ bytes: number; ms: number }> {
  const hash = await createSHA256();
  const result = await fetchAndDiscard(target.url, (bytes) => hash.update(bytes));
  if (hash.digest('hex') !== target.sha256) throw new Error('the benchmark file hashed differently than the hub lists');
  return result;
}

/** The app's download in a worker of its own, with the page starting its helper workers as the app's page does. */
function storeDownload(target: DownloadTarget, chunkBytes: number): Promise<{ bytes: number; ms: number }> {
  const worker = new Worker(new URL('./download-bench.worker.ts', import.meta.url), { type: 'module' });
  const helpers = new HelperWorkers((helperId) => worker.postMessage({ type: 'helper-failed', helperId } satisfies DownloadBenchRequest));
  return new Promise<{ bytes: number; ms: number }>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<DownloadBenchResult | StartHelperMessage | StopHelperMessage>) => {
      if ('type' in data) {
        if (data.type === 'start-helper') helpers.open(data);
        else helpers.stop(data.helperId);
      } else if ('error' in data) reject(new Error(data.error));
      else resolve(data);
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ type: 'download', target, chunkBytes } satisfies DownloadBenchRequest);
  }).finally(() => {
    helpers.stopAll();
    worker.terminate();
  });
}

Object.assign(window, { bench: { plainFetch, hashedFetch, storeDownload } });
