// @ts-check
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeHub } from './fake-hub.mjs';
import { parseRange } from './lib/http-range.mjs';

const REPO = 'airgap-test/tiny-chat';
const CONFIG = '{"model_type":"tiny"}\n';
const MODEL = randomBytes(64 * 1024);
const BIG = randomBytes(1024 * 1024); // LFS by size alone

/** @param {Buffer | string} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
/** @param {Buffer | string} data */
const gitBlob = (data) => createHash('sha1').update(`blob ${Buffer.byteLength(data)}\0`).update(data).digest('hex');

/** @type {string} */
let root;
/** @type {Awaited<ReturnType<typeof startFakeHub>>} */
let hub;

/**
 * @param {string} base
 * @param {Record<string, Buffer | string>} files
 */
async function writeFiles(base, files) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), content);
  }
}

/** @param {string} path @param {RequestInit} [init] */
const get = (path, init) => fetch(`${hub.url}${path}`, init);

/**
 * Sends a path exactly as written; fetch() would resolve `..` before it left the client.
 * @param {string} path
 * @returns {Promise<number | undefined>}
 */
function rawStatus(path) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(hub.url);
    http.get({ hostname, port, path }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

/**
 * Reads a body that must break off, and counts what arrived first.
 * @param {Response} res
 */
async function bytesBeforeError(res) {
  let received = 0;
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  await expect((async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value.length;
  })()).rejects.toThrow();
  return received;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fake-hub-'));
  await writeFiles(join(root, REPO), {
    'config.json': CONFIG,
    'README.md': '# tiny\n',
    'onnx/model_quantized.onnx': MODEL,
    'weights.bin': BIG,
  });
  hub = await startFakeHub({ root });
});

afterEach(() => {
  hub.setFaults({});
  hub.resetStats();
});

afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

describe('resolve', () => {
  test('a small file has a git blob ETag, the commit and CORS headers', async () => {
    const res = await get(`/${REPO}/resolve/main/config.json`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(CONFIG);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-length')).toBe(String(CONFIG.length));
    expect(res.headers.get('etag')).toBe(`"${gitBlob(CONFIG)}"`);
    expect(res.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('x-linked-etag')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Linked-Etag');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  test('an LFS file carries its sha256 and size, as ETag and linked headers', async () => {
    const res = await get(`/${REPO}/resolve/main/onnx/model_quantized.onnx`);
    expect(Buffer.from(await res.arrayBuffer()).equals(MODEL)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(`"${sha256(MODEL)}"`);
    expect(res.headers.get('x-linked-etag')).toBe(`"${sha256(MODEL)}"`);
    expect(res.headers.get('x-linked-size')).toBe(String(MODEL.length));
    const big = await get(`/${REPO}/resolve/main/weights.bin`, { method: 'HEAD' });
    expect(big.headers.get('x-linked-etag')).toBe(`"${sha256(BIG)}"`);
    expect(await big.text()).toBe('');
    expect(big.headers.get('content-length')).toBe(String(BIG.length));
  });

  test('the commit sha names the same revision as main; other revisions are 404', async () => {
    const sha = (await get(`/${REPO}/resolve/main/config.json`)).headers.get('x-repo-commit');
    expect(await (await get(`/${REPO}/resolve/${sha}/config.json`)).text()).toBe(CONFIG);
    const missing = await get(`/${REPO}/resolve/v2/config.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('RevisionNotFound');
  });

  test('ranges answer 206 with Content-Range, or 416 when unsatisfiable', async () => {
    const path = `/${REPO}/resolve/main/onnx/model_quantized.onnx`;
    const size = MODEL.length;
    const cases = [
      ['bytes=0-0', 0, 0],
      ['bytes=100-', 100, size - 1],
      ['bytes=-10', size - 10, size - 1],
      ['bytes=5-999999999', 5, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(path, { headers: { Range: String(range) } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(Buffer.from(await res.arrayBuffer()).equals(MODEL.subarray(Number(start), Number(end) + 1))).toBe(true);
    }
    const beyond = await get(path, { headers: { Range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
  });

  test('parseRange ignores what it cannot honour', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(parseRange('bytes=5-2', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-0', 0)).toBe('unsatisfiable');
  });
});

describe('raw and API', () => {
  test('raw gives the LFS pointer for LFS files and the content otherwise', async () => {
    const pointer = await (await get(`/${REPO}/raw/main/onnx/model_quantized.onnx`)).text();
    expect(pointer).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(MODEL)}\nsize ${MODEL.length}\n`);
    expect(await (await get(`/${REPO}/raw/main/config.json`)).text()).toBe(CONFIG);
  });

  test('model info lists siblings and the commit', async () => {
    const sha = (await get(`/${REPO}/resolve/main/config.json`)).headers.get('x-repo-commit');
    for (const path of [`/api/models/${REPO}`, `/api/models/${REPO}/revision/${sha}`]) {
      const info = await (await get(path)).json();
      expect(info).toMatchObject({ id: REPO, modelId: REPO, sha, private: false, gated: false, library_name: 'transformers.js' });
      expect(info.siblings.map((/** @type {{ rfilename: string }} */ s) => s.rfilename).sort())
        .toEqual(['README.md', 'config.json', 'onnx/model_quantized.onnx', 'weights.bin']);
    }
  });

  test('tree lists folders and files, with sizes and lfs.oid', async () => {
    const top = await (await get(`/api/models/${REPO}/tree/main`)).json();
    expect(top.map((/** @type {{ path: string }} */ e) => e.path)).toEqual(['onnx', 'README.md', 'config.json', 'weights.bin']);
    expect(top[0]).toMatchObject({ type: 'directory', size: 0 });
    expect(top.find((/** @type {{ path: string }} */ e) => e.path === 'config.json')).toEqual({ type: 'file', oid: gitBlob(CONFIG), size: CONFIG.length, path: 'config.json' });

    const all = await (await get(`/api/models/${REPO}/tree/main?recursive=true`)).json();
    const model = all.find((/** @type {{ path: string }} */ e) => e.path === 'onnx/model_quantized.onnx');
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(MODEL)}\nsize ${MODEL.length}\n`;
    expect(model).toEqual({
      type: 'file', oid: gitBlob(pointer), size: MODEL.length, path: 'onnx/model_quantized.onnx',
      lfs: { oid: sha256(MODEL), size: MODEL.length, pointerSize: pointer.length },
    });
    const onnx = await (await get(`/api/models/${REPO}/tree/main/onnx`)).json();
    expect(onnx).toEqual([model]);
    const ofFile = await get(`/api/models/${REPO}/tree/main/config.json`);
    expect(ofFile.status).toBe(404);
    expect(ofFile.headers.get('x-error-code')).toBe('EntryNotFound');
  });

  test('errors carry the Hub codes', async () => {
    for (const path of ['/nobody/nothing/resolve/main/config.json', '/api/models/nobody/nothing']) {
      const res = await get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('x-error-code')).toBe('RepoNotFound');
      expect(await res.json()).toEqual({ error: 'Repository not found' });
    }
    const res = await get(`/${REPO}/resolve/main/onnx/model_fp16.onnx`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-error-code')).toBe('EntryNotFound');
    expect(await res.json()).toEqual({ error: 'Entry not found' });
  });

  test('path traversal is rejected, encoded or not', async () => {
    for (const path of [
      `/${REPO}/resolve/main/../../../../etc/passwd`,
      `/${REPO}/resolve/main/%2e%2e/%2E%2E/config.json`,
      `/${REPO}/resolve/main/onnx%2f..%2f..%2fconfig.json`,
      '/airgap-test/..%5c..%5cetc/resolve/main/passwd',
    ]) {
      expect(await rawStatus(path), path).toBe(400);
    }
  });

  test('preflights are answered', async () => {
    const res = await get(`/${REPO}/resolve/main/config.json`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('Range');
    expect(res.headers.get('access-control-allow-methods')).toContain('HEAD');
  });

  test('the commit changes with the content and is the same for the same files', async () => {
    const otherRoot = await mkdtemp(join(tmpdir(), 'fake-hub-'));
    await writeFiles(join(otherRoot, REPO), { 'config.json': CONFIG, 'README.md': '# tiny\n', 'onnx/model_quantized.onnx': MODEL, 'weights.bin': BIG });
    const other = await startFakeHub({ root: otherRoot });
    try {
      const commit = async (/** @type {string} */ url) => (await fetch(`${url}/api/models/${REPO}`).then((r) => r.json())).sha;
      expect(await commit(other.url)).toBe(await commit(hub.url));
      await writeFile(join(otherRoot, REPO, 'config.json'), '{"model_type":"changed"}\n');
      expect(await commit(other.url)).not.toBe(await commit(hub.url));
    } finally {
      await other.close();
      await rm(otherRoot, { recursive: true, force: true });
    }
  });
});

describe('faults', () => {
  const modelPath = `/${REPO}/resolve/main/onnx/model_quantized.onnx`;

  test('cutAfterBytes drops the connection mid-body; cutTimes limits it per file', async () => {
    hub.setFaults({ cutAfterBytes: 1000, cutTimes: 1 });
    const probe = await get(modelPath, { headers: { Range: 'bytes=0-0' } }); // short enough not to be cut
    expect((await probe.arrayBuffer()).byteLength).toBe(1);
    const cut = await get(modelPath);
    expect(cut.status).toBe(200);
    expect(cut.headers.get('content-length')).toBe(String(MODEL.length));
    expect(await bytesBeforeError(cut)).toBe(1000);
    expect(hub.stats.byPath[modelPath].bytes).toBe(1 + 1000);
    const whole = await get(modelPath);
    expect(Buffer.from(await whole.arrayBuffer()).equals(MODEL)).toBe(true);
  });

  test('hangAtCut leaves the connection open and silent after the cut until the client gives up', async () => {
    hub.setFaults({ cutAfterBytes: 1000, cutTimes: 1, hangAtCut: true });
    const controller = new AbortController();
    const res = await get(modelPath, { signal: controller.signal });
    const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
    let received = 0;
    while (received < 1000) received += (await reader.read()).value?.length ?? 0;
    const silence = await Promise.race([reader.read().then(() => 'data'), new Promise((resolve) => setTimeout(resolve, 500, 'silent'))]);
    expect(silence).toBe('silent');
    controller.abort();
    expect(received).toBe(1000);
  });

  test('failEveryNth answers every Nth request with 500', async () => {
    hub.setFaults({ failEveryNth: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(`/${REPO}/resolve/main/config.json`)).status);
    expect(statuses).toEqual([200, 500, 200, 500]);
  });

  test('corrupt changes LFS bodies but not their hash claims, nor small files', async () => {
    hub.setFaults({ corrupt: true });
    const res = await get(modelPath);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(MODEL.length);
    expect(res.headers.get('etag')).toBe(`"${sha256(MODEL)}"`);
    expect(sha256(body)).not.toBe(sha256(MODEL));
    expect(await (await get(`/${REPO}/resolve/main/config.json`)).text()).toBe(CONFIG);
  });

  test('ignoreRange answers a range with the whole file', async () => {
    hub.setFaults({ ignoreRange: true });
    const res = await get(modelPath, { headers: { Range: 'bytes=100-199' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBeNull();
    expect((await res.arrayBuffer()).byteLength).toBe(MODEL.length);
  });

  test('html answers every request with a web page', async () => {
    hub.setFaults({ html: true });
    for (const path of [modelPath, `/api/models/${REPO}`, '/nobody/nothing/resolve/main/x']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/^<!doctype html>/);
    }
  });

  test('offline fails every request at the connection', async () => {
    hub.setFaults({ offline: true });
    await expect(get(`/${REPO}/resolve/main/config.json`)).rejects.toThrow();
    hub.setFaults({});
    expect((await get(`/${REPO}/resolve/main/config.json`)).status).toBe(200);
  });

  test('bytesPerSecond throttles file bodies', async () => {
    hub.setFaults({ bytesPerSecond: 200_000 });
    const started = performance.now();
    const res = await get(modelPath, { headers: { Range: 'bytes=0-39999' } });
    expect((await res.arrayBuffer()).byteLength).toBe(40_000);
    expect(performance.now() - started).toBeGreaterThan(150); // 40 kB at 200 kB/s ≈ 200 ms
  });

  test('unknown or mistyped faults are refused', () => {
    expect(() => hub.setFaults(/** @type {any} */ ({ cutAfter: 10 }))).toThrow(/unknown fault/);
    expect(() => hub.setFaults({ failEveryNth: 0 })).toThrow(/failEveryNth/);
  });
});

describe('stats and lifecycle', () => {
  test('stats count requests and body bytes per path', async () => {
    const path = `/${REPO}/resolve/main/onnx/model_quantized.onnx`;
    await (await get(path, { headers: { Range: 'bytes=0-0' } })).arrayBuffer();
    await (await get(path)).arrayBuffer();
    await (await get(`/${REPO}/resolve/main/missing.json`)).arrayBuffer();
    expect(hub.stats.byPath[path]).toEqual({ requests: 2, bytes: 1 + MODEL.length });
    expect(hub.stats.requests.slice(0, 2)).toEqual([
      { method: 'GET', path, range: 'bytes=0-0', status: 206, bytes: 1 },
      { method: 'GET', path, range: null, status: 200, bytes: MODEL.length },
    ]);
    expect(hub.stats.requests[2].status).toBe(404);
    expect(hub.stats.totalBytes).toBe(1 + MODEL.length + JSON.stringify({ error: 'Entry not found' }).length);
    hub.resetStats();
    expect(hub.stats).toEqual({ requests: [], byPath: {}, totalBytes: 0 });
  });

  test('close ends a download in progress at once', async () => {
    const slow = await startFakeHub({ root, faults: { bytesPerSecond: 1000 } });
    const res = await fetch(`${slow.url}${`/${REPO}/resolve/main/onnx/model_quantized.onnx`}`);
    const body = res.arrayBuffer();
    const started = performance.now();
    await slow.close();
    expect(performance.now() - started).toBeLessThan(500);
    await expect(body).rejects.toThrow();
  });

  test('the CLI prints the URL it serves', async () => {
    const cli = spawn(process.execPath, ['scripts/fake-hub.mjs', '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise((resolve) => cli.stdout.once('data', (chunk) => resolve(String(chunk).trim())));
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/${REPO}/resolve/main/config.json`)).status).toBe(200);
    } finally {
      cli.kill();
    }
  });
});
