import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/protocol';
import { downloadFile, type DownloadTarget, type FileDownloadOptions } from './file-download';
import { fileKey, ModelStore, type FileRecord } from './model-store';
import { abortedBy, isStored, testBytes, testHub, testTarget, type TestHubFaults } from './test-hub';

let nextStore = 0;
const openStore = () => ModelStore.open(`test-download-${nextStore++}`);

function options(store: ModelStore, fetch: typeof globalThis.fetch, extra: Partial<FileDownloadOptions> = {}): FileDownloadOptions {
  return {
    store,
    chunkBytes: 4096,
    signal: new AbortController().signal,
    fetch,
    onProgress: () => {},
    onNote: () => {},
    wait: async () => {},
    ...extra,
  };
}

async function storedBytes(store: ModelStore, target: DownloadTarget): Promise<Uint8Array> {
  const record = (await store.getFile(fileKey(target.repo, target.commit, target.path)))!;
  const parts: Uint8Array[] = [];
  for (let index = 0; index < record.chunks; index++) parts.push(await store.getChunk(record.key, index));
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

async function download(file: Uint8Array, faults: TestHubFaults, store = openStore()) {
  const hub = testHub(file, faults);
  const target = testTarget(file);
  await downloadFile(target, options(store, hub.fetch));
  return { hub, store, target };
}

describe('downloadFile', () => {
  it('stores a file in chunks, verified, and marks it complete', async () => {
    const file = testBytes(10_000);
    const { store, target } = await download(file, {});
    const record = await store.getFile(fileKey(target.repo, target.commit, target.path));
    expect(record).toMatchObject({ chunks: 3, bytes: 10_000, complete: true, etag: '"etag-1"' });
    expect(createHash('sha256').update(await storedBytes(store, target)).digest('hex')).toBe(target.sha256);
    expect(await isStored(store, target)).toBe(true);
  });

  it('continues with Range after each dropped connection, re-sending nothing', async () => {
    const file = testBytes(20_000);
    const { hub, store, target } = await download(file, { cutAfterBytes: 3_500, cutTimes: 4 });
    expect(hub.requests.map((request) => request.range)).toEqual([null, 'bytes=3500-', 'bytes=7000-', 'bytes=10500-', 'bytes=14000-']);
    expect(hub.bytesSent).toBe(file.length);
    expect(await storedBytes(store, target)).toEqual(file);
  });

  it('resumes from a CDN that hides Content-Range and tags every response differently', async () => {
    const file = testBytes(12_000);
    const { hub, store, target } = await download(file, { cutAfterBytes: 5_000, cutTimes: 2, hideContentRange: true, etagPerRequest: true });
    expect(hub.requests.map((request) => request.range)).toEqual([null, 'bytes=5000-', 'bytes=10000-']);
    expect(await storedBytes(store, target)).toEqual(file);
  });

  it('starts a file checked only by size over when its entity tag changes', async () => {
    const file = testBytes(12_000);
    const store = openStore();
    const target = { ...testTarget(file), sha256: null };
    const hub = testHub(file, { cutAfterBytes: 5_000, cutTimes: 1, etagPerRequest: true });
    await downloadFile(target, options(store, hub.fetch));
    expect(hub.requests.map((request) => request.range)).toEqual([null, 'bytes=5000-', null]);
    expect(await storedBytes(store, target)).toEqual(file);
  });

  it('starts over when the server ignores Range', async () => {
    const file = testBytes(12_000);
    const { hub, store, target } = await download(file, { cutAfterBytes: 5_000, cutTimes: 1, ignoreRange: true });
    expect(hub.requests.map((request) => request.range)).toEqual([null, 'bytes=5000-']);
    expect(await storedBytes(store, target)).toEqual(file);
  });

  it('refuses bytes from another commit than the one the model is pinned to', async () => {
    const file = testBytes(5_000);
    const hub = testHub(file);
    const otherCommit: typeof globalThis.fetch = async (input, init) => {
      const response = await hub.fetch(input, init);
      const headers = new Headers(response.headers);
      headers.set('X-Repo-Commit', 'd'.repeat(40));
      return new Response(response.body, { status: response.status, headers });
    };
    const store = openStore();
    await expect(downloadFile(testTarget(file), options(store, otherCommit))).rejects.toMatchObject({
      code: 'hub-error',
      message: expect.stringMatching(/from commit ddddddd instead of ccccccc, again and again/),
    });
    expect(await isStored(store, testTarget(file))).toBe(false);
  });

  it('stops reading a hub that sends more bytes than the file was listed with, and gives up after fresh starts', async () => {
    const file = testBytes(9_000);
    const hub = testHub(file);
    let requests = 0;
    // Every answer carries the file and then 1 MB more than its listed size.
    const oversized: typeof globalThis.fetch = async (input, init) => {
      requests++;
      const response = await hub.fetch(input, init);
      const body = new Uint8Array([...new Uint8Array(await response.arrayBuffer()), ...testBytes(1_000_000)]);
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const store = openStore();
    const target = testTarget(file);
    const received: number[] = [];
    const failure = downloadFile(target, options(store, oversized, { onProgress: (loaded) => received.push(loaded) }));
    await expect(failure).rejects.toMatchObject({ code: 'hub-error', message: expect.stringMatching(/the hub sent more bytes than the file has, again and again/) });
    expect(requests).toBeGreaterThan(1);
    expect(Math.max(...received), 'never more than the listed size taken in').toBeLessThanOrEqual(file.length);
    expect(await isStored(store, target)).toBe(false);
  });

  it('drops a connection that goes silent and resumes on a new one, saying why', async () => {
    const file = testBytes(12_000);
    const store = openStore();
    const target = testTarget(file);
    const hub = testHub(file, { cutAfterBytes: 5_000, cutTimes: 2, hangAtCut: true });
    const notes: (string | null)[] = [];
    await downloadFile(target, options(store, hub.fetch, { stallMs: 50, onNote: (note) => notes.push(note) }));
    expect(hub.requests.map((request) => request.range)).toEqual([null, 'bytes=5000-', 'bytes=10000-']);
    expect(await storedBytes(store, target)).toEqual(file);
    expect(notes).toContain('No data came from the hub for 0 s; trying again in 1 s.');
  });

  it('gives up on a hub that never answers, and a cancel still ends a silent request at once', async () => {
    const file = testBytes(1_000);
    let asked = 0;
    const silentHub = (_url: string | URL | Request, init?: RequestInit) => {
      asked++;
      return abortedBy(init?.signal).then((error) => Promise.reject(error));
    };
    await expect(downloadFile(testTarget(file), options(openStore(), silentHub, { stallMs: 5 }))).rejects.toMatchObject({
      code: 'network',
      message: expect.stringContaining('No data came from the hub'),
    });
    expect(asked).toBe(9);

    const controller = new AbortController();
    const cancelled = downloadFile(testTarget(file), options(openStore(), silentHub, { signal: controller.signal }));
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('copies a stored file with the same content instead of downloading it again, and only one with the same content', async () => {
    const file = testBytes(10_000);
    const store = openStore();
    const stored = testTarget(file);
    await downloadFile(stored, options(store, testHub(file).fetch));

    const nextCommit = { ...stored, commit: 'd'.repeat(40), url: stored.url.replace('c'.repeat(40), 'd'.repeat(40)) };
    const hub = testHub(file);
    const progress: number[] = [];
    await downloadFile(nextCommit, options(store, hub.fetch, { onProgress: (loaded) => progress.push(loaded) }));
    expect(hub.requests, 'nothing fetched').toEqual([]);
    expect(await storedBytes(store, nextCommit)).toEqual(file);
    expect(await store.getFile(fileKey(nextCommit.repo, nextCommit.commit, nextCommit.path))).toMatchObject({ complete: true, bytes: 10_000 });
    expect(progress.at(-1)).toBe(10_000);

    const other = testBytes(10_000, 99);
    const otherHub = testHub(other);
    await downloadFile({ ...testTarget(other), commit: 'e'.repeat(40) }, options(store, otherHub.fetch));
    expect(otherHub.requests, 'same size, other hash: downloaded').toHaveLength(1);
  });

  it('retries transient server errors', async () => {
    const file = testBytes(5_000);
    const { hub, store, target } = await download(file, { failFirst: 3 });
    expect(hub.requests).toHaveLength(4);
    expect(await isStored(store, target)).toBe(true);
  });

  it('gives up after many failures in a row, keeping what arrived', async () => {
    const file = testBytes(5_000);
    const store = openStore();
    const target = testTarget(file);
    const hub = testHub(file, { failFirst: 100 });
    await expect(downloadFile(target, options(store, hub.fetch))).rejects.toMatchObject({ code: 'network' });
    expect(await isStored(store, target)).toBe(false);
  });

  it('discards corrupted bytes, says so, and leaves nothing that claims to be complete', async () => {
    const file = testBytes(9_000);
    const store = openStore();
    const target = testTarget(file);
    const hub = testHub(file, { corrupt: true });
    const failure = downloadFile(target, options(store, hub.fetch));
    await expect(failure).rejects.toBeInstanceOf(EngineError);
    await expect(failure).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(/arrived corrupted: its sha256 is/) });
    expect(await store.getFile(fileKey(target.repo, target.commit, target.path))).toBeUndefined();
    await expect(store.getChunk(fileKey(target.repo, target.commit, target.path), 0)).rejects.toThrow(/missing/);
  });

  it('checks a file without a sha256 by its git blob id', async () => {
    const file = new TextEncoder().encode('{"a": 1}\n');
    const store = openStore();
    // `git hash-object` of that content.
    const target = { ...testTarget(file, 'config.json'), sha256: null, gitOid: 'cb5b2f69babc53f9145b45ad20b9a075d48717ef' };
    await downloadFile(target, options(store, testHub(file).fetch));
    expect(await isStored(store, target)).toBe(true);
    const wrong = { ...target, path: 'other.json', gitOid: '0'.repeat(40) };
    await expect(downloadFile(wrong, options(store, testHub(file).fetch))).rejects.toMatchObject({ code: 'integrity' });
  });

  it('stops cleanly when the disk is full', async () => {
    const file = testBytes(10_000);
    const store = openStore();
    let writes = 0;
    const putChunk = store.putChunk.bind(store);
    store.putChunk = async (key, index, bytes) => {
      if (++writes > 1) throw new DOMException('full', 'QuotaExceededError');
      return putChunk(key, index, bytes);
    };
    const target = testTarget(file);
    await expect(downloadFile(target, options(store, testHub(file).fetch))).rejects.toMatchObject({
      code: 'storage-full',
      message: expect.stringMatching(/ran out of storage for this site/),
    });
    expect(await store.getFile(fileKey(target.repo, target.commit, target.path))).toMatchObject({ complete: false, chunks: 1 });
  });

  it('keeps what arrived when stopped, and the next run continues from there', async () => {
    const file = testBytes(10_000);
    const store = openStore();
    const target = testTarget(file);
    const controller = new AbortController();
    const stopAfterFirstBytes: FileDownloadOptions['onProgress'] = (loaded) => {
      if (loaded >= 6_000) controller.abort();
    };
    const first = testHub(file);
    await expect(
      downloadFile(target, options(store, first.fetch, { signal: controller.signal, onProgress: stopAfterFirstBytes })),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const partial = (await store.getFile(fileKey(target.repo, target.commit, target.path)))!;
    expect(partial.complete).toBe(false);
    // Every byte read before the stop is kept, including a partly filled chunk.
    expect(partial.bytes).toBeGreaterThanOrEqual(6_000);
    expect(partial.bytes).toBeLessThan(10_000);

    const second = testHub(file);
    await downloadFile(target, options(store, second.fetch));
    expect(second.requests.map((request) => request.range)).toEqual([`bytes=${partial.bytes}-`]);
    expect(await storedBytes(store, target)).toEqual(file);
  });
});

describe('commit order', () => {
  it('writes each chunk before the record that counts it, and "complete" last', async () => {
    const file = testBytes(10_000);
    const store = openStore();
    const log: string[] = [];
    const putChunk = store.putChunk.bind(store);
    const putFile = store.putFile.bind(store);
    store.putChunk = async (key, index, bytes) => {
      await putChunk(key, index, bytes);
      log.push(`chunk ${index}`);
    };
    store.putFile = async (record: FileRecord) => {
      log.push(`record ${record.chunks}${record.complete ? ' complete' : ''}`);
      await putFile(record);
    };
    await downloadFile(testTarget(file), options(store, testHub(file).fetch));
    expect(log).toEqual(['chunk 0', 'record 1', 'chunk 1', 'record 2', 'chunk 2', 'record 3', 'record 3 complete']);
  });

  it('after a crash between a chunk and its record, resumes from the record and overwrites the orphan', async () => {
    const file = testBytes(10_000);
    const prefix = `test-crash-${nextStore++}`;
    const crashing = ModelStore.open(prefix);
    const target = testTarget(file);
    const putFile = crashing.putFile.bind(crashing);
    crashing.putFile = async (record) => {
      // The tab dies after chunk 1 is written but before its record is.
      if (record.chunks === 2) throw new Error('tab closed');
      await putFile(record);
    };
    await expect(downloadFile(target, options(crashing, testHub(file).fetch))).rejects.toThrow('tab closed');

    const reopened = ModelStore.open(prefix);
    const key = fileKey(target.repo, target.commit, target.path);
    expect(await reopened.getFile(key)).toMatchObject({ chunks: 1, bytes: 4096, complete: false });
    expect(await reopened.getChunk(key, 1)).toHaveLength(4096); // the orphan is there, but nothing claims it

    const hub = testHub(file);
    await downloadFile(target, options(reopened, hub.fetch));
    expect(hub.requests.map((request) => request.range)).toEqual(['bytes=4096-']);
    expect(await storedBytes(reopened, target)).toEqual(file);
  });
});
