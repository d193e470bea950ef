// @ts-check
/**
 * Pieces the benchmarks share: the benchmark pages' build, Chromium as the tests launch it, heap sampling through the
 * DevTools protocol, and the download comparison (plain fetch, fetch + sha256, the app's store path).
 */
import path from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_PATH, QUIET_CHROMIUM_FLAGS } from '../lib/chromium.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').CDPSession} CDPSession */

export const BENCH_HUB_ROOT = '.fixtures/bench-hub';
export const BENCH_PAGES_DIST = '.fixtures/bench-dist';

/** Builds scripts/bench's pages (the download page and the bare runtime pages) for the app server to serve. */
export async function buildBenchPages() {
  await build({
    root: 'scripts/bench',
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: path.resolve(BENCH_PAGES_DIST),
      emptyOutDir: true,
      target: 'es2022',
      assetsInlineLimit: 0,
      rollupOptions: { input: ['index.html', 'bare-wasm.html', 'bare-asyncify.html'].map((page) => path.resolve('scripts/bench', page)) },
    },
  });
}

/** @param {boolean} webgpu SwiftShader's software adapter, as the WebGPU e2e tests use */
const chromiumArgs = (webgpu) => [...QUIET_CHROMIUM_FLAGS, '--disable-gpu', ...(webgpu ? ['--enable-unsafe-webgpu'] : [])];

/** A fresh browser with a throwaway profile. @param {{ webgpu?: boolean }} [options] */
export function launchChromium({ webgpu = false } = {}) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(webgpu) });
}

/**
 * A browser with a profile on disk, as a person's is: IndexedDB lives in files (an incognito-like context keeps it in
 * memory, which would count the stored model as the browser's memory) and survives into new tabs.
 * @param {string} userDataDir
 * @param {{ webgpu?: boolean }} [options]
 */
export function launchChromiumWithProfile(userDataDir, { webgpu = false } = {}) {
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: chromiumArgs(webgpu) });
}

/**
 * Runs `task` while sampling the page's JS heap (and ArrayBuffer backing store) every 100 ms; returns its result and
 * the peaks.
 * @template T
 * @param {CDPSession} cdp
 * @param {() => Promise<T>} task
 * @returns {Promise<T & { peakHeap: number, peakBacking: number }>}
 */
export async function withHeapPeaks(cdp, task) {
  let peakHeap = 0;
  let peakBacking = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const usage = await cdp.send('Runtime.getHeapUsage');
      peakHeap = Math.max(peakHeap, usage.usedSize);
      peakBacking = Math.max(peakBacking, /** @type {{ backingStorageSize?: number }} */ (usage).backingStorageSize ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { ...(await task()), peakHeap, peakBacking };
  } finally {
    sampling = false;
    await sampler;
  }
}

/**
 * What the app's download of one hub file needs: its commit, size and hashes from the hub's listing.
 * @param {string} hubUrl
 * @param {string} repo
 * @param {string} file
 */
export async function hubDownloadTarget(hubUrl, repo, file) {
  const tree = await (await fetch(`${hubUrl}/api/models/${repo}/tree/main?recursive=true`)).json();
  const entry = tree.find((/** @type {{ path: string }} */ item) => item.path === file);
  if (!entry) throw new Error(`${repo} has no ${file}`);
  const info = await (await fetch(`${hubUrl}/api/models/${repo}/revision/main`)).json();
  const url = `${hubUrl}/${repo}/resolve/${info.sha}/${file}`;
  return { repo, commit: info.sha, path: file, size: entry.size, sha256: entry.lfs?.oid ?? null, gitOid: null, url };
}

/**
 * Downloads one file `runs` times each way in the download page: a plain fetch that discards the bytes, the same
 * fetch hashed, and the app's path into the IndexedDB store; the page's fetches with its heap peaks (the app's path
 * runs in workers, whose heaps this does not see).
 * @param {Page} page the download page (scripts/bench/index.html), loaded
 * @param {Awaited<ReturnType<typeof hubDownloadTarget>>} target
 * @param {{ chunkBytes: number, runs: number }} options
 */
export async function compareDownloads(page, target, { chunkBytes, runs }) {
  await page.waitForFunction(() => 'bench' in window);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Runtime.enable');
  /** @typedef {{ bytes: number, ms: number, peakHeap: number, peakBacking: number }} Run */
  /** @type {{ plain: Run[], hashed: Run[], stored: { bytes: number, ms: number }[] }} */
  const results = { plain: [], hashed: [], stored: [] };
  for (let run = 0; run < runs; run++) {
    await cdp.send('HeapProfiler.collectGarbage');
    results.plain.push(await withHeapPeaks(cdp, () => page.evaluate((url) => /** @type {any} */ (window).bench.plainFetch(url), target.url)));
    await cdp.send('HeapProfiler.collectGarbage');
    results.hashed.push(await withHeapPeaks(cdp, () => page.evaluate((t) => /** @type {any} */ (window).bench.hashedFetch(t), target)));
    await cdp.send('HeapProfiler.collectGarbage');
    results.stored.push(await page.evaluate(([t, c]) => /** @type {any} */ (window).bench.storeDownload(t, c), /** @type {const} */ ([target, chunkBytes])));
  }
  await cdp.detach();
  return results;
}

/** @param {number} bytes @param {number} ms */
export const mbPerSecond = (bytes, ms) => bytes / 1e6 / (ms / 1000);
/** @param {number} bytes */
export const mib = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
