// @ts-check
/**
 * `npm run bench:heap` (not part of `npm test`): how much of WebAssembly's 4 GiB onnxruntime's heap takes, through the
 * app, for real-size twins of the catalog's models at their dtypes. It calibrates the memory pre-flight
 * (workers/memory-budget.ts), which judges before a download whether a model and a useful conversation fit.
 *
 * For each model and dtype, in a new browser profile: the engine worker's `WebAssembly.Memory` constructor is wrapped
 * before the model loads, so the heap onnxruntime creates can be read; the model is loaded through the UI (WASM), the
 * heap's size read (it never shrinks, so it is also the peak so far); then one prompt of `--prompt-tokens` tokens is
 * sent and the heap read again, with the time of each step that read the prompt. Results go into
 * bench-results/heap.json, where a run replaces only the entries it measured again.
 *
 *   npm run bench:heap [-- --models Qwen3-0.6B-ONNX:q4f16,... --prompt-tokens 2048 --skip-build]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startFakeHub } from '../fake-hub.mjs';
import { makeTwins, onnxFileOf } from '../fixtures/make-twins.mjs';
import { TWIN_ORG } from '../fixtures/twins.mjs';
import { startAppServer } from '../serve.mjs';
import { ask, loadModel, openApp } from './app-driver.mjs';
import { BENCH_HUB_ROOT, launchChromiumWithProfile } from './bench-kit.mjs';
import { loadPromptTokenizer } from './prompts.mjs';

/** Both exporter families, the dtypes a WASM user picks, 0.5–1.5 billion parameters. */
const DEFAULT_MODELS = [
  'Qwen2.5-0.5B-Instruct:q8',
  'Qwen2.5-0.5B-Instruct:q4',
  'Qwen3-0.6B-ONNX:q4',
  'Qwen3-0.6B-ONNX:q4f16',
  'Llama-3.2-1B-Instruct:q4',
  'Llama-3.2-1B-Instruct:q4f16',
  'DeepSeek-R1-Distill-Qwen-1.5B-ONNX:q4',
];
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: DEFAULT_MODELS.join(',') },
    'prompt-tokens': { type: 'string', default: '2048' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const promptTokens = Number(values['prompt-tokens']);
const entries = values.models.split(',').map((entry) => {
  const [twin, dtype] = entry.split(':');
  if (!twin || !dtype) throw new Error(`--models lists twin:dtype, not ${entry}`);
  // A dtype the twin lacks is reported when its graph is not found.
  return { twin, dtype: /** @type {import('../fixtures/twins.mjs').Dtype} */ (dtype), repo: `${TWIN_ORG}/${twin}` };
});
const log = (/** @type {string} */ message) => console.log(`[bench:heap] ${message}`);
const GIB = 1024 ** 3;
const OUT = 'bench-results/heap.json';

/** The bytes of a dtype's graph and its external-data files, as the app's offer counts them. */
async function weightBytes(/** @type {string} */ repo, /** @type {import('../fixtures/twins.mjs').Dtype} */ dtype) {
  const graph = onnxFileOf(dtype);
  const dir = path.join(BENCH_HUB_ROOT, repo, path.dirname(graph));
  const files = (await readdir(dir)).filter((file) => file === path.basename(graph) || file.startsWith(`${path.basename(graph)}_data`));
  if (files.length === 0) throw new Error(`${repo} has no ${dtype} graph`);
  return (await Promise.all(files.map((file) => stat(path.join(dir, file))))).reduce((sum, { size }) => sum + size, 0);
}

if (!values['skip-build']) await promisify(execFile)('npm', ['run', 'build'], { maxBuffer: 64 * 1024 * 1024 });
const twins = [...new Set(entries.map(({ twin }) => twin))];
log(`making the real-size twins that are missing: ${twins.join(', ')}`);
await makeTwins({ out: BENCH_HUB_ROOT, preset: 'real', only: twins });

const hub = await startFakeHub({ root: BENCH_HUB_ROOT });
const app = await startAppServer({ dist: 'dist', port: 0, config: { hubUrl: hub.url, catalog: [] } });
const results = [];
try {
  for (const { twin, dtype, repo } of entries) {
    const weights = await weightBytes(repo, dtype);
    const prompt = (await loadPromptTokenizer(BENCH_HUB_ROOT, repo)).make(promptTokens, 1);
    const profile = await mkdtemp(path.join(os.tmpdir(), 'airgap-heap-'));
    const context = await launchChromiumWithProfile(profile);
    try {
      const page = await openApp(context, app.url);
      page.on('console', (message) => message.type() === 'error' && log(`console: ${message.text()}`));
      const isEngine = (/** @type {import('@playwright/test').Worker} */ worker) => /engine/.test(worker.url());
      const engine = page.workers().find(isEngine) ?? (await page.waitForEvent('worker', { predicate: isEngine, timeout: 30_000 }));
      // onnxruntime's threaded build creates its heap with `new WebAssembly.Memory` when its first session is made.
      await engine.evaluate(() => {
        const Memory = WebAssembly.Memory;
        const made = /** @type {WebAssembly.Memory[]} */ ([]);
        const counted = /** @type {any} */ (function (/** @type {WebAssembly.MemoryDescriptor} */ descriptor) {
          const memory = new Memory(descriptor);
          made.push(memory);
          return memory;
        });
        counted.prototype = Memory.prototype;
        Object.assign(globalThis, { __heaps: made });
        WebAssembly.Memory = counted;
      });
      const heapBytes = () => engine.evaluate(() => Math.max(0, .../** @type {WebAssembly.Memory[]} */ (/** @type {any} */ (globalThis).__heaps).map((memory) => memory.buffer.byteLength)));
      await page.getByText('Settings', { exact: true }).click();
      await page.getByLabel('Weights (dtype)').selectOption(dtype);
      // A model that does not fit is refused, or fails while loading, with an alert instead of "Loaded …".
      const alerts = async () => (await page.getByRole('alert').allTextContents()).join(' | ');
      // (It fails when the page closes after a load that went well: that outcome is never read.)
      const refused = page.getByRole('alert').first().waitFor({ timeout: 0 }).then(alerts, () => 'the page closed');
      const load = await Promise.race([loadModel(page, repo), refused]);
      const measured = { twin, dtype, promptTokensAsked: promptTokens, date: new Date().toISOString(), weightBytes: weights };
      if (typeof load === 'string') {
        results.push({ ...measured, heapAfterLoad: await heapBytes(), error: load });
        log(`${twin} ${dtype}: not loaded; the app said: ${load}`);
        continue;
      }
      const afterLoad = await heapBytes();
      const reply = await ask(page, prompt.text, { newChat: false, maxNewTokens: 4 }).catch((/** @type {Error} */ error) => error);
      if (reply instanceof Error) {
        // What the app said about it (an engine that stopped is reported in an alert).
        const said = await alerts();
        results.push({ ...measured, loadMs: load.appLoadMs, heapAfterLoad: afterLoad, error: `${reply.message} (${said})` });
        log(`${twin} ${dtype}: heap ${(afterLoad / GIB).toFixed(2)} GiB after load; the prompt failed: ${reply.message}; the app said: ${said}`);
        continue;
      }
      const afterPrompt = await heapBytes();
      // Each forward pass that read a part of the prompt: its tokens and how long it kept the worker's thread.
      const promptSteps = await engine.evaluate(() =>
        performance.getEntriesByName('prompt:step').map((entry) => {
          const { from, to } = /** @type {{ from: number, to: number }} */ (/** @type {PerformanceMeasure} */ (entry).detail);
          return { tokens: to - from, upTo: to, ms: Math.round(entry.duration) };
        }),
      );
      const result = {
        ...measured,
        loadMs: load.appLoadMs,
        heapAfterLoad: afterLoad,
        heapPerWeightByte: Math.round((afterLoad / weights) * 100) / 100,
        promptTokens: reply.promptTokens,
        heapAfterPrompt: afterPrompt,
        heapPerPromptToken: Math.round((afterPrompt - afterLoad) / reply.promptTokens),
        ttftMs: reply.ttftMs,
        promptSteps,
      };
      results.push(result);
      log(
        `${twin} ${dtype}: weights ${(weights / GIB).toFixed(2)} GiB, heap ${(afterLoad / GIB).toFixed(2)} GiB after load ` +
          `(${result.heapPerWeightByte}×), ${(afterPrompt / GIB).toFixed(2)} GiB after a ${reply.promptTokens}-token prompt`,
      );
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  }
  // Each run replaces its own entries (twin, dtype, prompt length) and keeps the others', so runs of a few models add up.
  await mkdir('bench-results', { recursive: true });
  const previous = await readFile(OUT, 'utf8').then((text) => JSON.parse(text).results, () => []);
  const keyOf = (/** @type {{ twin: string, dtype: string, promptTokensAsked: number }} */ entry) => `${entry.twin}:${entry.dtype}:${entry.promptTokensAsked}`;
  const remeasured = new Set(results.map(keyOf));
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / GIB) };
  const kept = previous.filter((/** @type {any} */ entry) => !remeasured.has(keyOf(entry)));
  await writeFile(OUT, `${JSON.stringify({ machine, results: [...kept, ...results] }, null, 2)}\n`);
  log(`wrote ${OUT}`);
} finally {
  await app.close();
  await hub.close();
}
