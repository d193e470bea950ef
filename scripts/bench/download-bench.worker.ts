/// <reference lib="webworker" />
/**
 * The app's download path as the engine runs it: downloadFile into the IndexedDB model store, in a worker, verified
 * by the sha256 helper worker that the page starts for it (as the app's page does).
 */
import type { HelperFailedRequest } from '../../shared/protocol';
import { helperFailed } from '../../workers/helper-worker';
import { downloadFile, type DownloadTarget } from '../../workers/model-store/file-download';
import { fileKey, ModelStore } from '../../workers/model-store/model-store';

declare const self: DedicatedWorkerGlobalScope;

export type DownloadBenchRequest = { type: 'download'; target: DownloadTarget; chunkBytes: number } | HelperFailedRequest;
export type DownloadBenchResult = { bytes: number; ms: number } | { error: string };

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
  const record = await store.getFile(fileKey(target.repo, target.commit, target.path));
  await store.clearAll();
  if (!record?.complete) throw new Error('the benchmark download did not complete');
  return { bytes: record.bytes, ms };
}

self.onmessage = ({ data }: MessageEvent<DownloadBenchRequest>) => {
  if (data.type === 'helper-failed') return helperFailed(data.helperId);
  storeDownload(data.target, data.chunkBytes).then(
    (result) => self.postMessage(result satisfies DownloadBenchResult),
    (error: unknown) => self.postMessage({ error: String(error) } satisfies DownloadBenchResult),
  );
};
