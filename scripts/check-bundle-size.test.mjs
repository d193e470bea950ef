// @ts-check
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { measureBundle, totalBytes } from './check-bundle-size.mjs';

const SCRIPT = join(import.meta.dirname, 'check-bundle-size.mjs');

/** @type {string} */
let dist;

/** Text that gzip cannot shrink much, so sizes are easy to tell apart. @param {number} bytes @param {number} seed */
function noise(bytes, seed) {
  let state = seed;
  return Array.from({ length: bytes }, () => String.fromCharCode(33 + ((state = (state * 1103515245 + 12345) % 2 ** 31) % 90))).join('');
}

/** The files of a small build, in Vite's layout, with what each is. */
const FILES = {
  'assets/index-a.js': noise(30_000, 1),
  'assets/shared-b.js': noise(5_000, 2),
  'assets/index-c.css': noise(1_000, 3),
  'assets/markdown-d.js': noise(40_000, 4),
  'assets/engine.worker-e.js': noise(50_000, 5),
  'airgap-chat.js': noise(1_000, 6),
  'sw.js': noise(2_000, 7),
};

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'bundle-size-'));
  await mkdir(join(dist, 'assets'));
  await mkdir(join(dist, '.vite'));
  for (const [file, text] of Object.entries(FILES)) await writeFile(join(dist, file), text);
  const manifest = {
    'index.html': {
      file: 'assets/index-a.js',
      src: 'index.html',
      isEntry: true,
      imports: ['_shared-b.js'],
      dynamicImports: ['src/markdown.tsx'],
      css: ['assets/index-c.css'],
      assets: ['assets/engine.worker-e.js'],
    },
    '_shared-b.js': { file: 'assets/shared-b.js' },
    'src/markdown.tsx': { file: 'assets/markdown-d.js', src: 'src/markdown.tsx', isDynamicEntry: true, imports: ['_shared-b.js'] },
    'src/embed/airgap-chat-element.ts': { file: 'airgap-chat.js', src: 'src/embed/airgap-chat-element.ts', isEntry: true },
  };
  await writeFile(join(dist, '.vite', 'manifest.json'), JSON.stringify(manifest));
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

/** @param {string[]} files */
const gzipOf = (files) => files.reduce((sum, file) => sum + gzipSync(/** @type {Record<string, string>} */ (FILES)[file]).length, 0);

describe('check-bundle-size', () => {
  test('counts the page entry and its static imports; lists lazy chunks and other scripts apart', async () => {
    const sizes = await measureBundle(dist);
    expect(sizes.initial.map(({ file }) => file)).toEqual(['assets/index-a.js', 'assets/shared-b.js']);
    expect(totalBytes(sizes.initial)).toBe(gzipOf(['assets/index-a.js', 'assets/shared-b.js']));
    expect(sizes.initialCss.map(({ file }) => file)).toEqual(['assets/index-c.css']);
    expect(sizes.lazy.map(({ file }) => file)).toEqual(['assets/markdown-d.js']);
    expect(sizes.other.map(({ file }) => file)).toEqual(['airgap-chat.js', 'assets/engine.worker-e.js', 'sw.js']);
  });

  test('fails when the first load is over its budget, passes when it is within', async () => {
    const initialKb = gzipOf(['assets/index-a.js', 'assets/shared-b.js']) / 1000;
    /** @param {number} budgetKb */
    const run = (budgetKb) => promisify(execFile)(process.execPath, [SCRIPT, '--dist', dist, '--budget-kb', String(budgetKb)]);
    await expect(run(Math.ceil(initialKb))).resolves.toMatchObject({ stdout: expect.stringContaining('assets/index-a.js') });
    await expect(run(Math.floor(initialKb))).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('over its budget') });
  });
});
