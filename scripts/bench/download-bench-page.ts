/**
 * The page side of `npm run bench:download`: a plain fetch that discards the bytes, the same fetch hashed as it
 * arrives (the app's check for files over 2 GiB, to tell a streaming hash's cost from the store's), and the app's real
 * download path (downloadFile into the IndexedDB model store, verified), for the Node script to time and measure.
 */
import { createSHA256 } from 'hash-wasm';
import { downloadFile, type DownloadTarget } from '../../workers/model-store/file-download';
import { ModelStore } from '../../workers/model-store/model-store';

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

/** The fetch with sha256 taken as the bytes arrive (hash-wasm), as the app checks files too large to read back whole. */
async function hashedFetch(target: DownloadTarget): Promise<{ bytes: number; ms: number }> {
  const hash = await createSHA256();
  const result = await fetchAndDiscard(target.url, (bytes) => hash.update(bytes));
  if (hash.digest('hex') !== target.sha256) throw new Error('the benchmark file hashed differently than the hub lists');
  return result;
}

async function storeDownload(target: DownloadTarget, chunkBytes: number): Promise<{ bytes: number; ms: number }> {
  const store = ModelStore.open('airgap-bench');
  await store.clearAll();
  const started = performance.now();
  await downloadFile(target, {
    store,
    chunkBytes,
    signal: new AbortController().signal,
    fetch: (input, init) => fetch(input, init),
    onProgress: () => {},
    onNote: () => {},
  });
  const ms = performance.now() - started;
  const record = await store.getFile(`${target.repo}@${target.commit}/${target.path}`);
  await store.clearAll();
  if (!record?.complete) throw new Error('the benchmark download did not complete');
  return { bytes: record.bytes, ms };
}

Object.assign(window, { bench: { plainFetch, hashedFetch, storeDownload } });
