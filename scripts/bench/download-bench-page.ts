/**
 * The page side of `npm run bench:download`: a plain fetch that discards the bytes, and the app's real download path
 * (downloadFile into the IndexedDB model store, hashed and verified), for the Node script to time and measure.
 */
import { downloadFile, type DownloadTarget } from '../../workers/model-store/file-download';
import { ModelStore } from '../../workers/model-store/model-store';

async function plainFetch(url: string): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { cache: 'no-store' });
  const reader = response.body!.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
  }
  return { bytes, ms: performance.now() - started };
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

Object.assign(window, { bench: { plainFetch, storeDownload } });
