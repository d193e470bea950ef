import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelSource } from './model-source';
import { fileKey, manifestKey, ModelStore, type Manifest } from './model-store/model-store';
import { StoreCache } from './model-store/store-cache';

const ref = { hubUrl: 'https://hub.test', repo: 'org/model', revision: 'main' };
const manifest: Manifest = {
  key: manifestKey(ref.hubUrl, ref.repo, ref.revision),
  ...ref,
  commit: 'c'.repeat(40),
  files: [
    { path: 'README.md', size: 10, sha256: null, gitOid: 'a'.repeat(40) },
    { path: 'config.json', size: 20, sha256: null, gitOid: 'b'.repeat(40) },
    { path: 'tokenizer.json', size: 30, sha256: null, gitOid: 'd'.repeat(40) },
    { path: 'onnx/model_q4.onnx', size: 40, sha256: 'e'.repeat(64), gitOid: null },
    { path: 'onnx/model_q4.onnx_data', size: 50, sha256: 'f'.repeat(64), gitOid: null },
  ],
  savedAt: 0,
};

function source() {
  const store = ModelStore.open(`test-source-${Math.random()}`);
  return { store, source: new ModelSource(store, new StoreCache(store), { store, fetch: () => Promise.reject(new Error('no network')) }) };
}

afterEach(() => vi.unstubAllGlobals());

describe('ModelSource', () => {
  it('needs the shared files the repository has and the dtype weights, nothing else', () => {
    const files = source().source.filesFor(manifest, { dtype: 'q4', bytes: 90, files: ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'] });
    expect(files.map((file) => file.path)).toEqual(['config.json', 'tokenizer.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']);
  });

  it('uses a stored listing without asking the hub, and asks the hub when there is none', async () => {
    const fetch = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    vi.stubGlobal('fetch', fetch);
    const { store, source: models } = source();
    await expect(models.manifest(ref, new AbortController().signal)).rejects.toMatchObject({ code: 'network' });
    expect(fetch).toHaveBeenCalled();

    fetch.mockClear();
    await store.putManifest(manifest);
    await expect(models.manifest(ref, new AbortController().signal)).resolves.toEqual(manifest);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('calls a dtype stored only when every file it needs, the shared ones included, is stored whole', async () => {
    const { store, source: models } = source();
    const q4 = { dtype: 'q4' as const, bytes: 90, files: ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'] };
    const record = (path: string, complete: boolean) => ({
      key: fileKey(manifest.repo, manifest.commit, path), repo: manifest.repo, commit: manifest.commit, path, size: 1,
      sha256: null, gitOid: null, etag: null, chunks: 1, bytes: 1, complete, updatedAt: 0,
    });
    for (const file of models.filesFor(manifest, q4)) await store.putFile(record(file.path, file.path !== 'onnx/model_q4.onnx_data'));
    expect(await models.isStored(manifest, q4)).toBe(false);
    await store.putFile(record('onnx/model_q4.onnx_data', true));
    expect(await models.isStored(manifest, q4)).toBe(true);
    await store.deleteFile(fileKey(manifest.repo, manifest.commit, 'tokenizer.json'));
    expect(await models.isStored(manifest, q4)).toBe(false);
  });
});
