// @ts-check
/**
 * Drives the production app in Chromium the way a person does (by role and accessible name, as the e2e tests do) and
 * reads what it shows: the load time in "Loaded … in 4.2 s." and the stats line under each reply.
 */
import { gzipSync } from 'node:zlib';
import { measureBundle } from '../check-bundle-size.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').BrowserContext} BrowserContext */

/**
 * @typedef {object} AppReply
 * @property {number} promptTokens
 * @property {number} generatedTokens
 * @property {number} ttftMs
 * @property {number} tokensPerSecond
 * @property {string} stats the line as shown
 */

/** "12 tokens · 150 ms to first token · 40.2 tokens/s · prompt 9 tokens" @param {string} line @returns {AppReply} */
export function parseStatsLine(line) {
  const match = line.match(/^(\d+) tokens · ([\d.]+) (ms|s) to first token · ([\d.]+) tokens\/s · prompt (\d+) tokens/);
  if (!match) throw new Error(`unexpected stats line: ${line}`);
  return {
    generatedTokens: Number(match[1]),
    ttftMs: Number(match[2]) * (match[3] === 's' ? 1000 : 1),
    tokensPerSecond: Number(match[4]),
    promptTokens: Number(match[5]),
    stats: line,
  };
}

/**
 * Resolves when `holds(argument)` is true on the page, checked at each change of the DOM. Playwright's own waits poll
 * on every animation frame, which makes the page render 60 times a second and takes CPU from the model being measured
 * (on 2 cores it slowed decoding by about 15%).
 * @template A
 * @param {Page} page
 * @param {(argument: A) => boolean} holds runs in the page
 * @param {A} argument
 */
async function untilTrue(page, holds, argument) {
  await page.evaluate(
    ({ source, argument }) =>
      new Promise((resolve) => {
        const check = /** @type {(argument: unknown) => boolean} */ (new Function(`return (${source})`)());
        if (check(argument)) return resolve(undefined);
        const observer = new MutationObserver(() => {
          if (!check(argument)) return;
          observer.disconnect();
          resolve(undefined);
        });
        observer.observe(document.body, { attributes: true, childList: true, subtree: true, characterData: true });
      }),
    { source: holds.toString(), argument },
  );
}

/**
 * Opens the app and waits for its page to be usable.
 * @param {BrowserContext} context
 * @param {string} url
 */
export async function openApp(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('heading', { name: 'Airgap Chat' }).waitFor();
  return page;
}

/**
 * @typedef {'page' | 'off-main-thread' | 'later'} ScriptRole where a fetched script runs: on the page's main thread as
 *   part of its first load, in a worker (engine, service worker), or as a chunk the page imports when first needed
 * @typedef {{ url: string, type: string, bytes: number, gzipBytes: number, role: ScriptRole }} FetchedScript
 */

/**
 * The scripts the browser fetched before any interaction, with their gzip sizes (as a server compressing them would
 * send), each placed by the build's manifest (scripts/check-bundle-size.mjs). `gzipBytes` counts the page's own; a
 * script the manifest does not name counts as the page's, so nothing escapes the count.
 * @param {BrowserContext} context a fresh context
 * @param {string} url
 * @param {string} dist the build the app is served from
 * @returns {Promise<{ scripts: FetchedScript[], gzipBytes: number }>}
 */
export async function pageScriptsBeforeUse(context, url, dist) {
  const page = await context.newPage();
  /** @type {Promise<Omit<FetchedScript, 'role'>>[]} */
  const loads = [];
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (type !== 'script' && !/\.m?js$/.test(new URL(response.url()).pathname)) return;
    loads.push(
      response.body().then((body) => ({ url: response.url(), type, bytes: body.length, gzipBytes: gzipSync(body).length })),
    );
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.getByRole('heading', { name: 'Airgap Chat' }).waitFor();
  await page.waitForTimeout(2000);
  const fetched = await Promise.all(loads);
  await page.close();
  const bundle = await measureBundle(dist);
  const filesOf = (/** @type {{ file: string }[]} */ files) => new Set(files.map(({ file }) => file));
  const [later, offMainThread] = [filesOf(bundle.lazy), filesOf(bundle.other)];
  const appPath = new URL(url).pathname;
  /** @type {FetchedScript[]} */
  const scripts = fetched.map((script) => {
    const file = new URL(script.url).pathname.slice(appPath.length);
    return { ...script, role: later.has(file) ? 'later' : offMainThread.has(file) ? 'off-main-thread' : 'page' };
  });
  return { scripts, gzipBytes: scripts.filter((s) => s.role === 'page').reduce((sum, s) => sum + s.gzipBytes, 0) };
}

/**
 * Loads a model through the UI and waits until it is ready.
 * @param {Page} page
 * @param {string} repo
 * @returns {Promise<{ wallMs: number, appLoadMs: number, backend: string }>}
 */
export async function loadModel(page, repo) {
  await page.getByLabel('Hugging Face model id').fill(repo);
  const started = performance.now();
  await page.getByRole('button', { name: 'Load model' }).click();
  const loadedLine = new RegExp(`^Loaded ${repo.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} on .* in [\\d.]+ m?s\\.$`);
  await untilTrue(page, (source) => Array.from(document.querySelectorAll('p')).some((element) => new RegExp(source).test(element.textContent ?? '')), loadedLine.source);
  const wallMs = performance.now() - started;
  const line = (await page.getByText(loadedLine).textContent()) ?? '';
  const [, backend, amount, unit] = /** @type {RegExpMatchArray} */ (line.match(/ on (.*) in ([\d.]+) (m?s)\.$/));
  return { wallMs: Math.round(wallMs), appLoadMs: Number(amount) * (unit === 's' ? 1000 : 1), backend };
}

/**
 * Starts a new chat, sends `text` and waits for the whole reply; returns its stats.
 * @param {Page} page
 * @param {string} text
 * @param {{ newChat?: boolean, maxNewTokens?: number }} [options]
 * @returns {Promise<AppReply>}
 */
export async function ask(page, text, { newChat = true, maxNewTokens } = {}) {
  if (newChat) await page.getByRole('button', { name: 'New chat' }).click();
  if (maxNewTokens !== undefined) {
    const settings = page.locator('details.settings');
    if (!(await settings.evaluate((element) => /** @type {HTMLDetailsElement} */ (element).open))) {
      await page.getByText('Settings', { exact: true }).click();
    }
    await page.getByLabel('Max new tokens').fill(String(maxNewTokens));
  }
  const replies = page.locator('[data-message-role="assistant"]');
  const before = await replies.count();
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = replies.nth(before);
  await untilTrue(page, (index) => document.querySelectorAll('[data-message-role="assistant"]')[index]?.getAttribute('aria-busy') === 'false', before);
  const stats = reply.locator('.stats');
  if ((await stats.count()) === 0) throw new Error(`a reply without stats: ${await reply.textContent()}`);
  return parseStatsLine((await stats.textContent()) ?? '');
}

/**
 * Runs `task` with a PerformanceObserver on the page's long tasks (main thread busy ≥ 50 ms).
 * @template T
 * @param {Page} page
 * @param {() => Promise<T>} task
 * @returns {Promise<{ result: T, longestTaskMs: number, longTasks: number }>}
 */
export async function withLongTasks(page, task) {
  await page.evaluate(() => {
    const seen = /** @type {number[]} */ ([]);
    Object.assign(window, { __benchLongTasks: seen });
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => seen.push(entry.duration))).observe({ type: 'longtask' });
  });
  const result = await task();
  const durations = /** @type {number[]} */ (await page.evaluate(() => /** @type {any} */ (window).__benchLongTasks));
  return { result, longestTaskMs: Math.round(Math.max(0, ...durations)), longTasks: durations.length };
}
