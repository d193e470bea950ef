// @ts-check
/**
 * Writes `npm run bench`'s raw results (bench.json) and what is made from them (bench.md, bench.svg). Run on its own,
 * it makes bench.md and bench.svg again from an existing bench.json:
 *
 *   node scripts/bench/write-report.mjs [bench-results]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK_REPLY_PLAN, REPLY_PLAN, markdownReport, median, ratios, summarize, svgChart } from './report.mjs';

/**
 * @typedef {object} ModelResult
 * @property {string} id
 * @property {string} label
 * @property {string} onnxFile
 * @property {number} modelBytes
 * @property {Record<string, any[]>} runs per runtime (app, bare-wasm, bare-asyncify, onnxruntime-node), one entry per
 *   repetition
 */

/**
 * @typedef {object} RawResults what bench.json holds
 * @property {{ cpu: string, cores: number, memoryBytes: number, chromium: string, node: string, date: string }} machine
 * @property {{ min: number, median: number, max: number, samples: number[] }} loadAverage
 * @property {boolean} quick
 * @property {number} repetitions
 * @property {number} emptyBrowserPssBytes
 * @property {{ gzipBytes: number, scripts: import('./app-driver.mjs').FetchedScript[] }} pageJs
 * @property {{ bytes: number, plainFetchMBps: number, storeMBps: number, ratio: number } | null} download
 * @property {ModelResult[]} models
 */

const BARE_BUILDS = ['wasm', 'asyncify'];
const mib = (/** @type {number} */ bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * "index-abc.js 116.4 KB, …" for the fetched scripts in one role, or "none".
 * @param {import('./app-driver.mjs').FetchedScript[]} scripts
 * @param {import('./app-driver.mjs').ScriptRole} role
 */
function scriptList(scripts, role) {
  const listed = scripts
    .filter((script) => script.role === role)
    .map((script) => `${new URL(script.url).pathname.split('/').pop()} ${(script.gzipBytes / 1000).toFixed(1)} KB`);
  return listed.length > 0 ? listed.join(', ') : 'none';
}

/** The peak JS heaps of the first repetition, as a phrase. @param {ModelResult} result */
function jsHeapsOf(result) {
  const app = result.runs.app[0]?.peakJsHeapBytes;
  return [
    app && `app page ${mib(app.cold.page)}, its worker ${mib(app.cold.workers)} (warm load: ${mib(app.warm.page)}, ${mib(app.warm.workers)})`,
    ...BARE_BUILDS.map((build) => {
      const heaps = result.runs[`bare-${build}`][0]?.peakJsHeapBytes;
      return heaps && `bare ${build} page ${mib(heaps.page)}, its workers ${mib(heaps.workers)}`;
    }),
  ]
    .filter(Boolean)
    .join('; ');
}

/** @param {RawResults} raw */
function reportParts(raw) {
  const { machine, loadAverage, quick, repetitions, emptyBrowserPssBytes: emptyPss, pageJs, download, models } = raw;
  const plan = quick ? QUICK_REPLY_PLAN : REPLY_PLAN;
  /** @type {import('./report.mjs').TableRow[]} */
  const rows = [];
  /** @type {ReturnType<typeof ratios>} */
  let ratioRows = [];
  let streamTokens = NaN;
  for (const result of models) {
    const summaries = Object.fromEntries(Object.entries(result.runs).map(([runtime, list]) => [runtime, summarize(list)]));
    const appWasm = result.runs.app[0]?.runtimeFiles.filter((/** @type {string} */ f) => f.endsWith('.wasm')) ?? [];
    // What the app fetched, not what it is expected to load: ort-wasm-simd-threaded[.asyncify|.jsep|.jspi]-<hash>.wasm.
    // The service worker's first install fetches every build it precaches, so more than one says nothing of which ran.
    const appBuild = appWasm.length === 1 ? ` (${appWasm[0].match(/threaded\.(\w+)-/)?.[1] ?? 'wasm'} build)` : '';
    for (const [runtime, summary] of Object.entries(summaries)) {
      if (result.runs[runtime].length === 0) continue;
      const label = runtime === 'app' ? `app${appBuild}` : runtime;
      rows.push({ model: result.label, backend: runtime === 'onnxruntime-node' ? 'native CPU' : 'WASM', runtime: label, summary });
    }
    // The targets are judged on the first model.
    if (ratioRows.length === 0 && result.runs.app.length > 0) {
      streamTokens = result.runs.app[0].stream.streamTokens;
      const bare = BARE_BUILDS.filter((build) => result.runs[`bare-${build}`].length > 0).map((build) => summaries[`bare-${build}`]);
      ratioRows = ratios(summaries.app, bare, {
        longestTaskMs: median(result.runs.app.map((run) => run.stream.longestTaskMs)),
        streamTokens,
        pageJsGzipBytes: pageJs.gzipBytes,
        downloadRatio: download?.ratio ?? NaN,
      });
    }
  }
  const first = models[0];
  const notes = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB; Chromium ${machine.chromium}; ${machine.date.slice(0, 16).replace('T', ' ')} UTC.`,
    `Load average (1 min) during the run: ${loadAverage.min}–${loadAverage.max}, median ${loadAverage.median} — other jobs shared the two cores, so compare ratios within this run.`,
    `Medians over ${repetitions} repetition(s); each bare-runtime repetition in a fresh browser. TTFT 32 is a later reply's (the first reply's in brackets); ` +
      `"decode first" is the first reply after a load ("new tab": the app's first reply after its warm load), "decode later" a later one, over ${plan[0].newTokens} tokens ` +
      `(the longer prompts' replies are ${plan[2].newTokens} tokens${quick ? '; a quick run has no 2,048-token prompt' : ''}); every reply is a new prompt in a new chat.`,
    "Load: the app's cold load is hub → store → ready through the UI (download included), the warm load store → ready in a new tab; " +
      'bare runtimes fetch the bytes from the hub over loopback and create the session; onnxruntime-node reads the file and creates the session.',
    `Peak memory: the whole browser's proportional set size (all its processes), sampled while loading and while the longest prompt is read; the other replies and the long stream run unsampled, since a sample costs about 0.2 s of a core. The empty browser is ${(emptyPss / 2 ** 30).toFixed(2)} GiB, ` +
      `the weights file ${(first.modelBytes / 2 ** 30).toFixed(2)} GiB. onnxruntime-node: the process's peak RSS. ` +
      `Peak JS heaps (WebAssembly memory is not in them): ${jsHeapsOf(first)}.`,
    `Page JavaScript before first use: ${(pageJs.gzipBytes / 1000).toFixed(1)} KB gzip (${scriptList(pageJs.scripts, 'page')}); ` +
      `fetched in the same seconds for workers, off the page's main thread: ${scriptList(pageJs.scripts, 'off-main-thread')}; ` +
      `chunks the page imported when first needed: ${scriptList(pageJs.scripts, 'later')}. ` +
      (download
        ? `Download of ${(download.bytes / 1e6).toFixed(0)} MB: plain fetch ${download.plainFetchMBps.toFixed(0)} MB/s, into the store ${download.storeMBps.toFixed(0)} MB/s.`
        : 'Download: not measured (it runs last).'),
    "Backend: WASM only. The WebGPU backend on this machine is SwiftShader (a software adapter), far too slow for real-size models within the run's time.",
  ];
  return {
    markdown: markdownReport({ rows, ratioRows, notes }),
    svg: svgChart(rows, `${first.label}: app vs bare onnxruntime-web vs onnxruntime-node (${machine.cores} cores)`),
  };
}

/**
 * @param {RawResults} raw
 * @param {string} outDir
 */
export async function writeReport(raw, outDir) {
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'bench.json'), `${JSON.stringify(raw, null, 2)}\n`);
  if (raw.models.length === 0) return;
  const { markdown, svg } = reportParts(raw);
  await writeFile(path.join(outDir, 'bench.md'), markdown);
  await writeFile(path.join(outDir, 'bench.svg'), svg);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? 'bench-results';
  const { markdown, svg } = reportParts(JSON.parse(await readFile(path.join(outDir, 'bench.json'), 'utf8')));
  await writeFile(path.join(outDir, 'bench.md'), markdown);
  await writeFile(path.join(outDir, 'bench.svg'), svg);
  console.log(markdown);
}
