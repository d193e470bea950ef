// @ts-check
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeHub } from './fake-hub.mjs';
import { makeFixtures } from './fixtures/make-fixtures.mjs';
import { mirrorRepo } from './mirror.mjs';
import { startAppServer } from './serve.mjs';

/** @type {string} */
let tmp;
/** @type {Awaited<ReturnType<typeof startFakeHub>>} */
let hub;

/** @param {string} dir @returns {Promise<string[]>} */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort();
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mirror-'));
  await makeFixtures(join(tmp, 'hub'));
  hub = await startFakeHub({ root: join(tmp, 'hub') });
}, 60_000);

afterAll(async () => {
  await hub.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('npm run mirror', () => {
  test('copies the support files and the chosen dtypes, nothing else, and keeps what is already right', async () => {
    const out = join(tmp, 'models');
    const plan = await mirrorRepo({ repo: 'airgap-test/tiny-chat', dtypes: ['q8', 'q4'], hubUrl: hub.url, out });
    expect(plan.dtypes).toEqual(['q8', 'q4']);
    expect(await filesUnder(join(out, 'airgap-test/tiny-chat'))).toEqual([
      'config.json', 'generation_config.json', 'onnx/model_q4.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json',
    ]);

    /** @type {string[]} */
    const actions = [];
    hub.resetStats();
    await writeFile(join(out, 'airgap-test/tiny-chat/tokenizer.json'), '{"tampered": true}');
    await mirrorRepo({ repo: 'airgap-test/tiny-chat', dtypes: ['q8', 'q4'], hubUrl: hub.url, out, onFile: (file, action) => actions.push(`${action} ${file.path}`) });
    expect(actions.filter((action) => action.startsWith('downloaded'))).toEqual(['downloaded tokenizer.json']);
    expect(hub.stats.requests.some((request) => request.path.endsWith('/model_quantized.onnx') && request.range === null)).toBe(false);
  });

  test('by default the app’s dtypes that the repo offers; clear errors otherwise', async () => {
    const plan = await mirrorRepo({ repo: 'airgap-test/tiny-chat', hubUrl: hub.url, out: join(tmp, 'default') });
    expect(plan.dtypes).toEqual(['q8', 'q4']);
    await expect(mirrorRepo({ repo: 'airgap-test/tiny-chat', dtypes: ['q4f16'], hubUrl: hub.url, out: join(tmp, 'x') }))
      .rejects.toThrow('airgap-test/tiny-chat has no q4f16 weights; it offers fp32, q8, q4');
    await expect(mirrorRepo({ repo: 'airgap-test/no-onnx', hubUrl: hub.url, out: join(tmp, 'x') })).rejects.toThrow(/no ONNX weights|lacks/);
    await expect(mirrorRepo({ repo: 'airgap-test/missing', hubUrl: hub.url, out: join(tmp, 'x') })).rejects.toThrow();
    await expect(mirrorRepo({ repo: '../etc', hubUrl: hub.url, out: join(tmp, 'x') })).rejects.toThrow('is not a model id');
  });

  test('the app server serves the mirror in the Hub layout under /models', async () => {
    const out = join(tmp, 'served');
    const plan = await mirrorRepo({ repo: 'airgap-test/tiny-chat', dtypes: ['q8'], hubUrl: hub.url, out });
    const dist = join(tmp, 'dist');
    await mkdir(dist, { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Airgap Chat</title>');
    const app = await startAppServer({ dist, port: 0, models: out, config: { hubUrl: '/models' } });
    try {
      const info = await (await fetch(`${app.url}/models/api/models/airgap-test/tiny-chat/revision/main`)).json();
      expect(info.id).toBe('airgap-test/tiny-chat');
      const tree = await (await fetch(`${app.url}/models/api/models/airgap-test/tiny-chat/tree/${info.sha}?recursive=true`)).json();
      expect(tree.filter((/** @type {{type: string}} */ entry) => entry.type === 'file')).toHaveLength(plan.files.length);
      const probe = await fetch(`${app.url}/models/airgap-test/tiny-chat/resolve/${info.sha}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=0-0' } });
      expect(probe.status).toBe(206);
      expect(probe.headers.get('x-repo-commit')).toBe(info.sha);
      expect(probe.headers.get('x-linked-etag')).toMatch(/^"[0-9a-f]{64}"$/);
      expect(probe.headers.get('content-security-policy')).toContain("connect-src 'self';");
      const missing = await fetch(`${app.url}/models/airgap-test/nope/resolve/main/config.json`);
      expect([missing.status, missing.headers.get('x-error-code')]).toEqual([401, 'RepoNotFound']);
      // Without --models, /models is just a missing file.
      const plain = await startAppServer({ dist, port: 0 });
      expect((await fetch(`${plain.url}/models/api/models/airgap-test/tiny-chat`)).status).toBe(404);
      await plain.close();
    } finally {
      await app.close();
    }
  });
});
