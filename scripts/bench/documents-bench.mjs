// @ts-check
/**
 * `npm run bench:documents` (not part of `npm test`): in headless Chromium, against the production build and the fake
 * hub, attaches a generated 100-page PDF (about 2,000 characters a page) to a chat whose model's context holds only a
 * part of it, waits until the app has prepared it (split it and kept its passages' vectors, as it does while a question
 * is written), asks about it, then attaches it again and asks another question (its vectors are remembered). It
 * measures reading the PDF (pdf.js in its worker, pages per second), preparing it, and choosing the passages for each
 * question (splitting by the model's tokens, keyword ranking, ranking by meaning; passages per second), from the
 * `passages:*` measures on the engine worker's timeline.
 *
 * The chat model is the test fixture (tiny-chat, a byte-level tokenizer). The embedding model is the fixture's
 * word-group lookup by default, so the figures are the app's own steps; `--embedder twin` uses a random-weight twin of
 * the default embedding model at its real size (scripts/fixtures/encoder-twin.mjs, generated into .fixtures/bench-hub
 * once), which shows what ranking by meaning costs. Writes bench-results/documents.json (documents-twin.json).
 *
 *   npm run bench:documents [-- --pages 100 --embedder fixture|twin --skip-build]
 */
import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { startFakeHub } from '../fake-hub.mjs';
import { EMBEDDER_REPO } from '../fixtures/embedder.mjs';
import { EMBEDDER_TWIN_REPO, encoderTwinRepoFiles } from '../fixtures/encoder-twin.mjs';
import { DEFAULT_OUT_DIR as HUB_ROOT, makeFixtures } from '../fixtures/make-fixtures.mjs';
import { createRandom } from '../fixtures/prng.mjs';
import { startAppServer } from '../serve.mjs';
import { BENCH_HUB_ROOT, launchChromium } from './bench-kit.mjs';

const CHAT_MODEL = 'airgap-test/tiny-chat';
const { values } = parseArgs({
  options: { pages: { type: 'string', default: '100' }, embedder: { type: 'string', default: 'fixture' }, 'skip-build': { type: 'boolean', default: false } },
});
const pageCount = Number(values.pages);
if (values.embedder !== 'fixture' && values.embedder !== 'twin') throw new Error(`--embedder is fixture or twin, not ${values.embedder}`);
const twin = values.embedder === 'twin';

const WORDS = 'the road river bridge farm field town hill morning night house door window tree stone boat green red blue old wide long short keeper walks waits stands'.split(' ');

/** A PDF of `count` pages of made-up sentences (a fixed seed), page 60 holding the one that answers the question. */
/** @param {number} count */
async function bookPdf(count) {
  const random = createRandom(7);
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let number = 1; number <= count; number++) {
    const page = pdf.addPage([612, 792]);
    const lines = Array.from({ length: 30 }, () => Array.from({ length: 11 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ') + '.');
    if (number === Math.min(60, count)) lines[12] = 'The lighthouse keeper hides the spare key under the green stone.';
    lines.forEach((line, index) => page.drawText(line, { x: 40, y: 750 - index * 24, size: 11, font }));
  }
  return Buffer.from(await pdf.save());
}

const log = (/** @type {string} */ message) => console.log(`[bench:documents] ${message}`);

if (!values['skip-build']) await promisify(execFile)('npm', ['run', 'build'], { maxBuffer: 64 * 1024 * 1024 });
// The twin is generated once, next to the real-size chat models; the chat fixture goes beside it, so one hub serves both.
const hubRoot = twin ? BENCH_HUB_ROOT : HUB_ROOT;
await makeFixtures(hubRoot);
if (twin && !(await stat(path.join(hubRoot, EMBEDDER_TWIN_REPO, 'onnx/model_quantized.onnx')).catch(() => null))) {
  log(`generating ${EMBEDDER_TWIN_REPO}`);
  // The weights last, so an interrupted run leaves no complete-looking repository.
  const files = encoderTwinRepoFiles().sort(([a], [b]) => Number(a.endsWith('.onnx')) - Number(b.endsWith('.onnx')));
  for (const [file, contents] of files) {
    await mkdir(path.dirname(path.join(hubRoot, EMBEDDER_TWIN_REPO, file)), { recursive: true });
    await writeFile(path.join(hubRoot, EMBEDDER_TWIN_REPO, file), contents);
  }
}
const embeddingModel = twin ? EMBEDDER_TWIN_REPO : EMBEDDER_REPO;
const hub = await startFakeHub({ root: hubRoot });
const app = await startAppServer({ dist: 'dist', port: 0, config: { hubUrl: hub.url, catalog: [], embeddingModel } });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(app.url);
  await page.getByLabel('Hugging Face model id').fill(CHAT_MODEL);
  await page.getByRole('button', { name: 'Load model' }).click();
  await page.getByText(/^Loaded airgap-test\/tiny-chat on /).waitFor({ timeout: 120_000 });

  const engineWorker = () => {
    const engine = page.workers().find((worker) => /engine/.test(worker.url()));
    if (!engine) throw new Error('the engine worker was not found');
    return engine;
  };
  /** The engine's `passages:vectors` measures so far: each run of the embedding model, with what it recalled and computed. */
  const vectorRuns = () =>
    engineWorker().evaluate(() =>
      performance.getEntriesByName('passages:vectors').map((entry) => ({
        ms: Math.round(entry.duration),
        .../** @type {{ recalled: number, computed: number }} */ (/** @type {PerformanceMeasure} */ (entry).detail),
      })),
    );
  /**
   * Attaches the book and waits until the app has prepared it (its passages' vectors computed and kept while a question
   * would be written): how long that took from the file picked, and the embedding model's run.
   */
  const attachAndPrepare = async () => {
    const runsBefore = (await vectorRuns()).length;
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach files' }).click();
    const started = performance.now();
    await (await chooser).setFiles({ name: 'book.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.locator('.composer').getByText(new RegExp(`PDF · ${pageCount} pages`)).waitFor({ timeout: 600_000 });
    const readMs = performance.now() - started;
    await page.waitForFunction(() => !document.querySelector('.composer [role="status"]'), undefined, { timeout: 900_000 });
    for (let runs = await vectorRuns(); ; runs = await vectorRuns()) {
      if (runs.length > runsBefore) return { readMs: Math.round(readMs), preparedMs: Math.round(performance.now() - started), vectors: runs[runs.length - 1] };
      await page.waitForTimeout(100);
    }
  };

  const pdf = await bookPdf(pageCount);
  const first = await attachAndPrepare();
  const { readMs } = first;
  log(`read ${pageCount} pages (${(pdf.length / 1e6).toFixed(1)} MB) in ${readMs} ms`);

  /** @typedef {{ ms: number, recalled: number, computed: number }} VectorRun */
  /** @type {{ question: number, prepared: { ms: number, vectors: VectorRun }, whole: number, split: number, keywords: number, meaning: number, vectors: VectorRun, pick: number, passages: number, wallMs: number }[]} */
  const questions = [];
  for (const [index, question] of ['Where does the keeper hide the spare key?', 'Under which stone is the key?'].entries()) {
    // The same file again for the second question: its passages' vectors are remembered.
    const preparation = index === 0 ? first : await attachAndPrepare();
    const prepared = { ms: preparation.preparedMs, vectors: preparation.vectors };
    log(`question ${index + 1}: the file prepared ${prepared.ms} ms after it was picked (vectors: ${prepared.vectors.computed} computed, ${prepared.vectors.recalled} recalled in ${prepared.vectors.ms} ms)`);
    const before = await page.locator('[data-message-role="assistant"]').count();
    const asked = performance.now();
    await page.getByRole('textbox', { name: 'Message' }).fill(question);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-message-role="assistant"]').nth(before).waitFor({ timeout: 600_000 });
    const wallMs = performance.now() - asked;
    const measures = await engineWorker().evaluate(() =>
      performance.getEntriesByType('measure').filter((entry) => entry.name.startsWith('passages:')).map((entry) => ({
        name: entry.name.slice('passages:'.length),
        duration: entry.duration,
        detail: /** @type {{ passages?: number, recalled?: number, computed?: number }} */ (/** @type {PerformanceMeasure} */ (entry).detail),
      })),
    );
    const last = (/** @type {string} */ name) => Math.round(measures.filter((entry) => entry.name === name).at(-1)?.duration ?? NaN);
    const passages = measures.findLast((entry) => entry.name === 'pick')?.detail.passages ?? 0;
    // The embedding model's own work (its load excluded): vectors recalled from IndexedDB and vectors computed.
    const { recalled = 0, computed = 0 } = measures.findLast((entry) => entry.name === 'vectors')?.detail ?? {};
    const vectors = { ms: last('vectors'), recalled, computed };
    questions.push({ question: index + 1, prepared, whole: last('whole'), split: last('split'), keywords: last('keywords'), meaning: last('meaning'), vectors, pick: last('pick'), passages, wallMs: Math.round(wallMs) });
    log(
      `question ${index + 1}: ${passages} passages; measuring the files whole ${last('whole')} ms, split ${last('split')} ms, keywords ${last('keywords')} ms, ` +
        `meaning ${last('meaning')} ms (vectors: ${computed} computed, ${recalled} recalled in ${vectors.ms} ms), picking ${last('pick')} ms; passages chosen ${Math.round(wallMs)} ms after Send`,
    );
    await page.locator('[data-message-role="assistant"]').nth(before).and(page.locator('[aria-busy="false"]')).waitFor({ timeout: 600_000 });
  }
  const result = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverage: os.loadavg()[0] },
    embeddingModel,
    pdf: { pages: pageCount, bytes: pdf.length, readMs: Math.round(readMs), pagesPerSecond: Math.round((pageCount / readMs) * 1000) },
    questions: questions.map((entry) => ({ ...entry, passagesPerSecond: Math.round((entry.passages / (entry.split + entry.keywords + entry.meaning + entry.pick)) * 1000) })),
  };
  await mkdir('bench-results', { recursive: true });
  const out = `bench-results/${twin ? 'documents-twin' : 'documents'}.json`;
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
  await hub.close();
}
