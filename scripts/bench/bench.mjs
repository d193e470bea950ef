// @ts-check
/**
 * `npm run bench [-- --quick]` (not part of `npm test`): the app against the best the same browser can do with the
 * same bytes, and against native, in one run so the ratios are comparable.
 *
 * Per model (real-size random-weight twins, see bench-models.mjs) on the WASM backend:
 *   - the app, driven through its UI in headless Chromium: cold load (hub → store → ready), the replies of REPLY_PLAN
 *     (new chats, new prompts), a 500-token reply with the main thread's long tasks observed, warm load (store →
 *     ready, in a new tab of the same profile);
 *   - bare onnxruntime-web on a page of its own (plain WASM build and the asyncify build the WebGPU-capable bundle
 *     loads), each repetition in a fresh browser: the same bytes, session options and thread count, the same replies
 *     as a greedy loop with a KV cache;
 *   - onnxruntime-node with the same file, threads and loop;
 * and the whole browser's peak PSS for each, the empty browser's, the page's JavaScript before first use and the
 * download into the store against a plain fetch. Writes bench-results/bench.json, bench.md and bench.svg. Then runs
 * the documents benchmark (scripts/bench/documents-bench.mjs: bench-results/documents.json).
 *
 *   npm run bench [-- --quick] [--repetitions 2] [--skip-build]
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startFakeHub } from '../fake-hub.mjs';
import { startAppServer } from '../serve.mjs';
import { ask, loadModel, openApp, pageScriptsBeforeUse, withLongTasks } from './app-driver.mjs';
import { BENCH_MODELS, ensureBenchModel, onnxFileOf } from './bench-models.mjs';
import {
  BENCH_HUB_ROOT,
  BENCH_PAGES_DIST,
  buildBenchPages,
  compareDownloads,
  hubDownloadTarget,
  launchChromium,
  launchChromiumWithProfile,
  mbPerSecond,
} from './bench-kit.mjs';
import { sampleJsHeaps } from './js-heaps.mjs';
import { childrenPss, samplePss } from './process-memory.mjs';
import { loadPromptTokenizer } from './prompts.mjs';
import { unsampled } from './sampling-loop.mjs';
import { QUICK_REPLY_PLAN, REPLY_PLAN, median } from './report.mjs';
import { writeReport } from './write-report.mjs';

/** @typedef {import('./report.mjs').RuntimeRun} RuntimeRun */
/** @typedef {import('./bench-models.mjs').BenchModel} BenchModel */
/** @typedef {Awaited<ReturnType<typeof loadPromptTokenizer>>} PromptTokenizer */

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    repetitions: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const repetitions = Number(values.repetitions ?? (quick ? 1 : 2));
const models = quick ? BENCH_MODELS.slice(0, 1) : BENCH_MODELS;
const PLAN = quick ? QUICK_REPLY_PLAN : REPLY_PLAN;
/** Pages of the PDF the documents benchmark attaches (fewer in a quick run). */
const DOCUMENT_PAGES = quick ? 20 : 100;
/** The long reply the main thread's long tasks are observed on (shorter in a quick run, to save minutes). */
const STREAM_TOKENS = quick ? 32 : 500;
const BARE_BUILDS = /** @type {const} */ (['wasm', 'asyncify']);
const OUT = 'bench-results';

/** @param {string} message */
const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Samples the load average every 10 s: other jobs share these two cores and move every figure. */
function sampleLoadAverage() {
  /** @type {number[]} */
  const oneMinute = [os.loadavg()[0]];
  const timer = setInterval(() => oneMinute.push(os.loadavg()[0]), 10_000);
  const rounded = (/** @type {number} */ v) => Math.round(v * 100) / 100;
  return {
    /** The samples so far, and their range. */
    current: () => ({ min: rounded(Math.min(...oneMinute)), median: rounded(median(oneMinute)), max: rounded(Math.max(...oneMinute)), samples: oneMinute }),
    stop: () => clearInterval(timer),
  };
}

async function machineInfo() {
  const browser = await launchChromium();
  const chromiumVersion = browser.version();
  await browser.close();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    chromium: chromiumVersion,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** @param {string} command @param {string[]} args */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * The prompts of one repetition: new texts (another seed per repetition and reply), so nothing is a repeated prompt.
 * @param {PromptTokenizer} tokenizer
 * @param {number} repetition
 */
function promptsFor(tokenizer, repetition) {
  return PLAN.map((reply, i) => tokenizer.make(reply.promptTokens, 1000 * (repetition + 1) + i));
}

/** Peak PSS of an idle browser with one blank page: what any of the runtimes below starts from. */
async function emptyBrowserPss() {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.waitForTimeout(2000);
    const samples = [];
    for (let i = 0; i < 5; i++) {
      samples.push(await childrenPss());
      await page.waitForTimeout(300);
    }
    return median(samples);
  } finally {
    await browser.close();
  }
}

/**
 * One repetition of the app: cold load, the planned replies, the 500-token stream, then a warm load in a new tab and
 * the first reply there (a returning user's: the browser may hold the runtime's optimised code by then).
 * @param {{ appUrl: string, model: BenchModel, prompts: ReturnType<typeof promptsFor>, streamPrompt: string, warmPrompt: string }} params
 */
async function appRepetition({ appUrl, model, prompts, streamPrompt, warmPrompt }) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'airgap-bench-profile-'));
  const context = await launchChromiumWithProfile(profile);
  const pss = samplePss();
  try {
    /** @type {Set<string>} */
    const runtimeFiles = new Set();
    context.on('request', (request) => {
      const file = new URL(request.url()).pathname.split('/').pop() ?? '';
      if (/^ort.*\.(wasm|mjs)$/.test(file)) runtimeFiles.add(file);
    });
    let page = await openApp(context, appUrl);
    let heaps = await sampleJsHeaps(page);
    const coldStarted = performance.now();
    const cold = await loadModel(page, model.id);
    const generateStarted = performance.now();
    const replies = [];
    for (const [i, prompt] of prompts.entries()) {
      try {
        const asked = () => ask(page, prompt.text, { newChat: i > 0, maxNewTokens: PLAN[i].newTokens });
        const reply = await (PLAN[i].sampled ? asked() : unsampled([pss, heaps], asked));
        log(`  app reply ${PLAN[i].key}: ${reply.stats}`);
        replies.push(reply);
      } catch (error) {
        // A prompt the model cannot take here (its memory, its context) is a result too: recorded, and the run goes on.
        const said = (await page.getByRole('alert').allTextContents()).join(' ');
        log(`  app reply ${PLAN[i].key} failed: ${said || /** @type {Error} */ (error).message}`);
        replies.push(failedReply(prompt.ids.length, said || /** @type {Error} */ (error).message));
      }
    }
    const stream = await unsampled([pss, heaps], () => withLongTasks(page, () => ask(page, streamPrompt, { maxNewTokens: STREAM_TOKENS })));
    log(`  app ${STREAM_TOKENS}-token stream: ${stream.result.stats}; longest main-thread task ${stream.longestTaskMs} ms`);
    const generateEnded = performance.now();
    const coldHeaps = await heaps.stop();
    await page.close();
    page = await openApp(context, appUrl);
    heaps = await sampleJsHeaps(page);
    const warm = await loadModel(page, model.id);
    const warmHeaps = await heaps.stop();
    const warmFirstReply = await unsampled([pss], () => ask(page, warmPrompt, { maxNewTokens: PLAN[0].newTokens }));
    log(`  app first reply in the new tab: ${warmFirstReply.stats}`);
    await page.close();
    return {
      loadMs: cold.wallMs,
      warmLoadMs: warm.wallMs,
      warmFirstReply,
      appReportedLoadMs: { cold: cold.appLoadMs, warm: warm.appLoadMs },
      backend: cold.backend,
      runtimeFiles: [...runtimeFiles],
      replies,
      stream: { ...stream.result, streamTokens: STREAM_TOKENS, longestTaskMs: stream.longestTaskMs, longTasks: stream.longTasks },
      peakPssBytes: pss.peakBetween(),
      peakPssByPhase: { load: pss.peakBetween(coldStarted, generateStarted), generate: pss.peakBetween(generateStarted, generateEnded) },
      peakJsHeapBytes: { cold: coldHeaps, warm: warmHeaps },
    };
  } finally {
    await pss.stop();
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * One repetition of a bare onnxruntime-web build, in a fresh browser.
 * @param {{ pagesUrl: string, build: string, params: import('./bare-runtime').BareRunParams }} options
 */
async function bareRepetition({ pagesUrl, build, params }) {
  const browser = await launchChromium();
  const pss = samplePss();
  try {
    const page = await browser.newPage();
    const heaps = await sampleJsHeaps(page);
    // The page pauses sampling around the replies timed unsampled, as the app's are.
    await page.exposeFunction('benchSampling', async (/** @type {boolean} */ on) => {
      if (on) [pss, heaps].forEach((sampler) => sampler.resume());
      else await Promise.all([pss.pause(), heaps.pause()]);
    });
    await page.goto(`${pagesUrl}/bare-${build}.html`);
    await page.waitForFunction(() => 'bareRuntime' in window);
    const result = await page.evaluate((p) => /** @type {any} */ (window).bareRuntime.run(p), params);
    return { ...result, peakPssBytes: pss.peakBetween(), peakJsHeapBytes: await heaps.stop() };
  } finally {
    await pss.stop();
    await browser.close();
  }
}

/**
 * onnxruntime-node in a child process.
 * @param {import('./node-runtime.mjs').NodeRunParams} params
 */
async function nodeRepetition(params) {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/bench/node-runtime.mjs', JSON.stringify(params)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  return { ...result, peakPssBytes: result.peakRssBytes };
}

/**
 * A reply that did not come, in the shape of one that did: its times are NaN, which the report leaves out.
 * @param {number} promptTokens
 * @param {string} error
 */
function failedReply(promptTokens, error) {
  return { promptTokens, generatedTokens: 0, ttftMs: NaN, tokensPerSecond: NaN, error };
}

/** @param {any[]} runs @param {(run: any) => string} describe */
const logRuns = (runs, describe) => runs.forEach((r) => log(`  ${describe(r)}`));

/** @param {RuntimeRun} run */
const brief = (run) =>
  `load ${run.loadMs} ms; ${run.replies
    .map((r, i) => `${PLAN[i].key} ${'error' in r ? `failed (${r.error})` : `${r.ttftMs} ms/${r.tokensPerSecond.toFixed(1)} tok/s`}`)
    .join(', ')}`;

/**
 * @param {BenchModel} model
 * @param {{ hubUrl: string, appUrl: string, pagesUrl: string, tokenizer: PromptTokenizer }} servers
 * @param {(result: ModelResult) => Promise<void>} save called with the figures so far after each runtime
 */
async function benchModel(model, { hubUrl, appUrl, pagesUrl, tokenizer }, save) {
  const onnxFile = onnxFileOf(model);
  const modelBytes = (await stat(path.join(BENCH_HUB_ROOT, model.id, onnxFile))).size;
  /** @type {Record<string, any[]>} */
  const runs = { app: [], 'bare-wasm': [], 'bare-asyncify': [], 'onnxruntime-node': [] };
  const result = { id: model.id, label: model.label, onnxFile, modelBytes, runs };
  const streamPrompt = tokenizer.make(32, 99).text;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const prompts = promptsFor(tokenizer, repetition);
    const warmPrompt = tokenizer.make(PLAN[0].promptTokens, 1000 * (repetition + 1) + PLAN.length).text;
    log(`${model.id}: app, repetition ${repetition + 1}/${repetitions}`);
    const app = await appRepetition({ appUrl, model, prompts, streamPrompt, warmPrompt });
    runs.app.push(app);
    await save(result);
    log(`  ${brief(app)}; warm load ${app.warmLoadMs} ms; ${app.backend}; runtime files ${app.runtimeFiles.join(', ')}`);
    const threads = Number(app.backend.match(/(\d+) threads?/)?.[1] ?? 1);
    const replies = prompts.map((prompt, i) => ({ ids: prompt.ids, newTokens: PLAN[i].newTokens, sampled: PLAN[i].sampled ?? false }));
    for (const build of BARE_BUILDS) {
      log(`${model.id}: bare ${build}, repetition ${repetition + 1}/${repetitions}`);
      const params = { modelBase: `${hubUrl}/${model.id}/resolve/main`, onnxFile, dataFiles: [], threads, device: /** @type {const} */ ('wasm'), replies };
      const bare = await bareRepetition({ pagesUrl, build, params });
      runs[`bare-${build}`].push(bare);
      await save(result);
      logRuns([bare], brief);
    }
    log(`${model.id}: onnxruntime-node, repetition ${repetition + 1}/${repetitions}`);
    const native = await nodeRepetition({ modelDir: path.join(BENCH_HUB_ROOT, model.id), onnxFile, threads, replies });
    runs['onnxruntime-node'].push(native);
    await save(result);
    logRuns([native], brief);
  }
  return result;
}

/** @typedef {import('./write-report.mjs').ModelResult} ModelResult */

/**
 * The app's download path against a plain fetch, on the model's weights file (the download benchmark's page).
 * @param {{ hubUrl: string, pagesUrl: string, model: BenchModel }} options
 */
async function downloadComparison({ hubUrl, pagesUrl, model }) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'airgap-bench-profile-'));
  const context = await launchChromiumWithProfile(profile);
  try {
    const page = await context.newPage();
    await page.goto(pagesUrl);
    const target = await hubDownloadTarget(hubUrl, model.id, onnxFileOf(model));
    const results = await compareDownloads(page, target, { chunkBytes: 32 * 1024 * 1024, runs: quick ? 1 : 2 });
    const mbps = (/** @type {{ bytes: number, ms: number }[]} */ list) => median(list.map((r) => mbPerSecond(r.bytes, r.ms)));
    const summary = { plainFetchMBps: mbps(results.plain), hashedFetchMBps: mbps(results.hashed), storeMBps: mbps(results.stored) };
    return { file: target.path, bytes: target.size, ...summary, ratio: summary.storeMBps / summary.plainFetchMBps, runs: results };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function main() {
  const loadAverage = sampleLoadAverage();
  log(`${quick ? 'quick' : 'full'} run: ${models.length} model(s), ${repetitions} repetition(s)`);
  if (!values['skip-build']) await run('npm', ['run', 'build']);
  await buildBenchPages();
  for (const model of models) {
    log(`${model.id}: ${(await ensureBenchModel(BENCH_HUB_ROOT, model)) ? 'generated' : 'already generated'}`);
  }
  const machine = await machineInfo();
  const hub = await startFakeHub({ root: BENCH_HUB_ROOT });
  const app = await startAppServer({ dist: 'dist', port: 0, config: { hubUrl: hub.url, catalog: [] } });
  const pages = await startAppServer({ dist: BENCH_PAGES_DIST, port: 0, config: { hubUrl: hub.url } });
  try {
    const emptyPss = await emptyBrowserPss();
    log(`empty browser: ${(emptyPss / 2 ** 20).toFixed(0)} MiB PSS`);
    const browser = await launchChromium();
    const pageJs = await pageScriptsBeforeUse(await browser.newContext(), app.url, 'dist').finally(() => browser.close());
    log(`page JavaScript before first use: ${(pageJs.gzipBytes / 1000).toFixed(1)} KB gzip in ${pageJs.scripts.length} file(s)`);
    /** @type {ModelResult[]} */
    const results = [];
    /** @type {Awaited<ReturnType<typeof downloadComparison>> | null} */
    let download = null;
    // The report is written after every runtime, so a run cut short still leaves what it measured.
    const save = async () => {
      const raw = { machine, loadAverage: loadAverage.current(), quick, repetitions, emptyBrowserPssBytes: emptyPss, pageJs, download, models: results };
      await writeReport(raw, OUT);
      log(`written to ${OUT}/bench.json, bench.md and bench.svg`);
    };
    for (const model of models) {
      const tokenizer = await loadPromptTokenizer(BENCH_HUB_ROOT, model.id);
      /** @type {ModelResult | null} */
      let current = null;
      await benchModel(model, { hubUrl: hub.url, appUrl: app.url, pagesUrl: pages.url, tokenizer }, async (result) => {
        if (current !== result) results.push((current = result));
        await save();
      });
    }
    log('download into the store against a plain fetch');
    download = await downloadComparison({ hubUrl: hub.url, pagesUrl: pages.url, model: models[0] });
    log(`  plain fetch ${download.plainFetchMBps.toFixed(0)} MB/s, store ${download.storeMBps.toFixed(0)} MB/s`);
    await save();
    loadAverage.stop();
    console.log(await readFile(path.join(OUT, 'bench.md'), 'utf8'));
  } finally {
    await pages.close();
    await app.close();
    await hub.close();
  }
  // Chatting with documents: reading a PDF, preparing it and choosing passages (bench-results/documents.json).
  log(`documents: ${DOCUMENT_PAGES} pages (npm run bench:documents)`);
  await run('node', ['scripts/bench/documents-bench.mjs', '--skip-build', '--pages', String(DOCUMENT_PAGES)]);
}

main().catch((error) => {
  console.error(`bench: ${error.stack ?? error}`);
  process.exit(1);
});
