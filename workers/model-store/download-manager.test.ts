import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../shared/protocol';
import { ensureDownloaded, type DownloadDeps, type DownloadRequest } from './download-manager';
import { fileKey, ModelStore } from './model-store';
import { StoreCache } from './store-cache';
import { deleteStoredModels, storageReport } from './stored-models';
import { isStored, testBytes, testHub, testTarget } from './test-hub';
import { onnx, testGraph } from './test-graph';

let nextStore = 0;
const openStore = () => ModelStore.open(`test-manager-${nextStore++}`);

/** Just enough of the Web Locks API: exclusive locks, `ifAvailable`, waiting in order. */
function fakeLocks(): LockManager {
  const held = new Map<string, Promise<unknown>>();
  const request = async (name: string, ...args: unknown[]) => {
    const callback = args.at(-1) as (lock: Lock | null) => Promise<unknown>;
    const options = (args.length > 1 ? args[0] : {}) as LockOptions;
    if (options.ifAvailable && held.has(name)) return callback(null);
    while (held.has(name)) await held.get(name)!.catch(() => {});
    const running = callback({ name, mode: 'exclusive' } as Lock);
    held.set(name, running);
    try {
      return await running;
    } finally {
      held.delete(name);
    }
  };
  return { request, query: async () => ({ held: [], pending: [] }) } as unknown as LockManager;
}

function request(file: Uint8Array, extra: Partial<DownloadRequest> = {}): DownloadRequest {
  return {
    label: 'org/model (q8)',
    targets: [testTarget(file)],
    chunkBytes: 4096,
    signal: new AbortController().signal,
    onProgress: () => {},
    ...extra,
  };
}

describe('ensureDownloaded', () => {
  it('refuses before downloading anything when the files cannot fit', async () => {
    const file = testBytes(10_000);
    const hub = testHub(file);
    const deps: DownloadDeps = { store: openStore(), fetch: hub.fetch, estimate: async () => ({ quota: 8_000, usage: 1_000 }) };
    await expect(ensureDownloaded(request(file), deps)).rejects.toMatchObject({
      code: 'storage-full',
      message: expect.stringMatching(/needs 10 kB more storage, but the browser allows this site only 7 kB more/),
    });
    expect(hub.requests).toHaveLength(0);
  });

  it('reports overall and per-file bytes, then nothing to do once stored', async () => {
    const file = testBytes(10_000);
    const store = openStore();
    const reports: LoadProgress[] = [];
    await ensureDownloaded(request(file, { onProgress: (progress) => reports.push(progress) }), { store, fetch: testHub(file).fetch });
    expect(reports.at(-1)).toMatchObject({ phase: 'downloading', loaded: 10_000, total: 10_000, files: [{ done: true }] });

    const again = testHub(file);
    await ensureDownloaded(request(file), { store, fetch: again.fetch });
    expect(again.requests).toHaveLength(0);
  });

  it('lets one of two tabs download; the other waits, shows it, and then has nothing left to fetch', async () => {
    const file = testBytes(50_000);
    const store = openStore();
    const locks = fakeLocks();
    const first = testHub(file, { cutAfterBytes: 20_000, cutTimes: 1 });
    const second = testHub(file);
    const secondReports: LoadProgress[] = [];
    const downloading = ensureDownloaded(request(file), { store, fetch: first.fetch, locks });
    const waiting = ensureDownloaded(request(file, { onProgress: (progress) => secondReports.push(progress) }), {
      store,
      fetch: second.fetch,
      locks,
    });
    await Promise.all([downloading, waiting]);
    expect(second.requests).toHaveLength(0);
    expect(secondReports.find((progress) => progress.phase === 'waiting')).toMatchObject({ note: expect.stringMatching(/another tab/) });
    expect(await isStored(store, testTarget(file))).toBe(true);
  });
});

describe('StoreCache', () => {
  it('serves the offered files of the model, at any revision, with their length', async () => {
    const file = testBytes(10_000);
    const store = openStore();
    const target = testTarget(file);
    await ensureDownloaded(request(file), { store, fetch: testHub(file).fetch });
    const cache = new StoreCache(store);
    const url = (revision: string) => `https://hub.test/org/model/resolve/${revision}/onnx/model.onnx`;
    expect(await cache.match(url('main'))).toBeUndefined();
    cache.offer({
      resolvePrefix: 'https://hub.test/org/model/resolve/',
      files: [{ path: target.path, key: fileKey(target.repo, target.commit, target.path), size: target.size }],
    });
    for (const revision of ['main', target.commit]) {
      const response = (await cache.match(url(revision)))!;
      expect(response.headers.get('Content-Length')).toBe('10000');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(file);
    }
    expect(await cache.match('https://hub.test/org/model/resolve/main/onnx/other.onnx')).toBeUndefined();
    expect(await cache.match('https://hub.test/org/other/resolve/main/onnx/model.onnx')).toBeUndefined();
  });

  it('serves a stored graph with its weights split out into a data file beside it, until the next offer or rewrite', async () => {
    const graph = testGraph();
    const store = openStore();
    const target = testTarget(graph);
    await ensureDownloaded(request(graph), { store, fetch: testHub(graph).fetch });
    const cache = new StoreCache(store);
    const offer = () =>
      cache.offer({
        resolvePrefix: 'https://hub.test/org/model/resolve/',
        files: [{ path: target.path, key: fileKey(target.repo, target.commit, target.path), size: target.size }],
      });
    const read = async (path: string) => {
      const response = await cache.match(`https://hub.test/org/model/resolve/main/${path}`);
      return response && { length: response.headers.get('Content-Length'), bytes: new Uint8Array(await response.arrayBuffer()) };
    };
    offer();
    expect(await cache.rewriteGraph('onnx/other.onnx', { moveWeights: true })).toEqual({ weightsMoved: false });
    expect(await cache.rewriteGraph(target.path, { moveWeights: true })).toEqual({ weightsMoved: true });
    const served = (await read('onnx/model.onnx'))!;
    expect(served.length).toBe(String(served.bytes.length));
    const [weight] = onnx.ModelProto.decode(served.bytes).graph!.initializer!;
    expect(weight.externalData!.find(({ key }) => key === 'location')?.value).toBe('model.onnx_data');
    expect((await read('onnx/model.onnx_data'))!.bytes).toEqual(new Uint8Array(onnx.ModelProto.decode(graph).graph!.initializer![0].rawData!));
    // Another candidate's rewrite that changes nothing serves the graph as stored, not the earlier rewrite.
    expect(await cache.rewriteGraph(target.path, { moveWeights: false })).toEqual({ weightsMoved: false });
    expect((await read('onnx/model.onnx'))!.bytes).toEqual(graph);
    expect(await read('onnx/model.onnx_data')).toBeUndefined();
    offer();
    expect((await read('onnx/model.onnx'))!.bytes).toEqual(graph);
    expect(await read('onnx/model.onnx_data')).toBeUndefined();
  });
});

describe('stored models', () => {
  async function storeModel(store: ModelStore, dtype: 'q8' | 'q4', files: string[], bytes: Uint8Array) {
    const targets = files.map((path) => testTarget(bytes, path));
    await ensureDownloaded({ ...request(bytes), targets }, { store, fetch: testHub(bytes).fetch });
    await store.putModel({
      id: `org/model@${targets[0].commit}#${dtype}`,
      hubUrl: 'https://hub.test',
      repo: 'org/model',
      revision: 'main',
      commit: targets[0].commit,
      dtype,
      files,
      bytes: bytes.length * files.length,
      lastUsed: dtype === 'q8' ? 2 : 1,
    });
  }

  it('lists each model as complete or partial, and deleting one keeps the files another still needs', async () => {
    const store = openStore();
    const bytes = testBytes(5_000);
    await storeModel(store, 'q8', ['tokenizer.json', 'onnx/model_quantized.onnx'], bytes);
    await storeModel(store, 'q4', ['tokenizer.json', 'onnx/model_q4.onnx'], bytes);
    await store.deleteFile(fileKey('org/model', 'c'.repeat(40), 'onnx/model_q4.onnx'));

    const report = await storageReport({ store, estimate: async () => ({ usage: 10, quota: 100 }) });
    expect(report.models.map((model) => [model.dtype, model.complete, model.storedBytes])).toEqual([
      ['q8', true, 10_000],
      ['q4', false, 5_000],
    ]);
    expect(report).toMatchObject({ usage: 10, quota: 100 });

    await deleteStoredModels(report.models[0].id, { store });
    const after = await storageReport({ store });
    expect(after.models.map((model) => model.dtype)).toEqual(['q4']);
    expect(await store.getFile(fileKey('org/model', 'c'.repeat(40), 'tokenizer.json'))).toMatchObject({ complete: true });
    expect(await store.getFile(fileKey('org/model', 'c'.repeat(40), 'onnx/model_quantized.onnx'))).toBeUndefined();
  });

  it('refuses to delete a model whose download holds its lock, and deletes the rest', async () => {
    const store = openStore();
    const locks = fakeLocks();
    const bytes = testBytes(5_000);
    await storeModel(store, 'q8', ['onnx/model_quantized.onnx'], bytes);
    let release = () => {};
    const holding = locks.request(`airgap-chat download org/model@${'c'.repeat(40)}`, () => new Promise<void>((resolve) => (release = resolve)));
    await expect(deleteStoredModels(null, { store, locks })).rejects.toMatchObject({ code: 'in-use' });
    expect((await storageReport({ store })).models).toHaveLength(1);
    release();
    await holding;
    await deleteStoredModels(null, { store, locks });
    expect((await storageReport({ store })).models).toHaveLength(0);
  });
});
