// @ts-check
/**
 * Fails the build when the page's JavaScript before first use grows past its budget: the gzip size of every script
 * the page loads before anyone does anything, i.e. each HTML entry's chunk and the chunks it imports statically (the
 * `<script>` and its `modulepreload`s). What loads later (dynamic imports: Markdown, KaTeX, the import schema) and
 * what is no page script (the engine worker, the service worker, the embed loader for host pages) is listed, not
 * counted. Reads the manifest Vite writes with `build.manifest: true`.
 *
 *   node scripts/check-bundle-size.mjs [--dist dist] [--budget-kb 120]
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { isMainModule } from './lib/cli.mjs';

/** The budget in kB (1000 bytes) of gzip, as the task set it: today's first load was 345 kB. */
export const INITIAL_JS_BUDGET_KB = 120;

/**
 * @typedef {{ file: string, src?: string, isEntry?: boolean, imports?: string[], dynamicImports?: string[], css?: string[] }} ManifestChunk
 * @typedef {{ file: string, gzipBytes: number }} SizedFile
 * @typedef {{ initial: SizedFile[], initialCss: SizedFile[], lazy: SizedFile[], other: SizedFile[] }} BundleSizes
 */

/**
 * @param {Record<string, ManifestChunk>} manifest
 * @param {string[]} starts manifest keys
 * @param {(chunk: ManifestChunk) => string[]} next the keys a chunk leads to
 * @returns {Set<string>} the keys reachable from `starts`, these included
 */
function reachable(manifest, starts, next) {
  const seen = new Set(starts);
  for (const key of seen) for (const child of next(manifest[key])) seen.add(child);
  return seen;
}

/** @param {string} path */
async function gzipBytes(path) {
  return gzipSync(await readFile(path)).length;
}

/**
 * @param {string} dist the build's folder, with `.vite/manifest.json` in it
 * @returns {Promise<BundleSizes>}
 */
export async function measureBundle(dist) {
  /** @type {Record<string, ManifestChunk>} */
  const manifest = JSON.parse(await readFile(join(dist, '.vite', 'manifest.json'), 'utf8'));
  const pages = Object.keys(manifest).filter((key) => manifest[key].isEntry && key.endsWith('.html'));
  if (pages.length === 0) throw new Error(`${dist}/.vite/manifest.json has no HTML entry`);
  const initialKeys = reachable(manifest, pages, (chunk) => chunk.imports ?? []);
  const loadedLater = reachable(manifest, [...initialKeys], (chunk) => [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]);
  const lazyKeys = [...loadedLater].filter((key) => !initialKeys.has(key));

  /** @param {string[]} files */
  const sized = (files) => Promise.all(files.map(async (file) => ({ file, gzipBytes: await gzipBytes(join(dist, file)) })));
  const initialFiles = [...initialKeys].map((key) => manifest[key].file);
  const lazyFiles = lazyKeys.map((key) => manifest[key].file);
  const counted = new Set([...initialFiles, ...lazyFiles]);
  const scripts = (await readdir(dist, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.m?js$/.test(entry.name))
    .map((entry) => relative(dist, join(entry.parentPath, entry.name)))
    .filter((file) => !counted.has(file))
    .sort();
  return {
    initial: await sized(initialFiles),
    initialCss: await sized([...new Set([...initialKeys].flatMap((key) => manifest[key].css ?? []))]),
    lazy: await sized(lazyFiles),
    other: await sized(scripts),
  };
}

/** @param {SizedFile[]} files */
export function totalBytes(files) {
  return files.reduce((sum, { gzipBytes }) => sum + gzipBytes, 0);
}

/** @param {number} bytes */
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** @param {BundleSizes} sizes @param {number} budgetKb @returns {string} */
export function report(sizes, budgetKb) {
  /** @param {string} title @param {SizedFile[]} files */
  const section = (title, files) => [`${title}: ${kB(totalBytes(files))}`, ...files.map(({ file, gzipBytes }) => `  ${kB(gzipBytes).padStart(9)}  ${file}`)];
  return [
    ...section(`Page JavaScript before first use (gzip; budget ${budgetKb} kB)`, sizes.initial),
    ...section('Page CSS before first use', sizes.initialCss),
    ...section('Loaded when first needed or when the page is idle', sizes.lazy),
    ...section('Other scripts (workers, the embed loader)', sizes.other),
  ].join('\n');
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({
    options: { dist: { type: 'string', default: 'dist' }, 'budget-kb': { type: 'string', default: String(INITIAL_JS_BUDGET_KB) } },
  });
  const budgetKb = Number(values['budget-kb']);
  const sizes = await measureBundle(values.dist);
  console.log(report(sizes, budgetKb));
  const initial = totalBytes(sizes.initial);
  if (initial > budgetKb * 1000) {
    console.error(
      `\nThe page's JavaScript before first use is ${kB(initial)} of gzip, over its budget of ${budgetKb} kB. ` +
        'Load what the first screen does not need with import() (see src/lazy-module.ts).',
    );
    process.exit(1);
  }
}
