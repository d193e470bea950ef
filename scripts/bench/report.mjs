// @ts-check
/**
 * Turns `npm run bench`'s raw results into medians, the ratios against the targets, a Markdown table and an SVG chart.
 */

/**
 * The replies every runtime gives after a load, in this order; each is a new prompt in a new chat. Decode speed is
 * taken over the 128 tokens of the short prompts' replies; the long prompts are there for their time to first token,
 * so their replies are kept short. Memory is sampled only while the longest prompt is read (`sampled`), where generating
 * holds the most; the other replies are timed with sampling paused (scripts/bench/sampling-loop.mjs).
 */
export const REPLY_PLAN = [
  { key: 'first', promptTokens: 32, newTokens: 128 },
  { key: 'later32', promptTokens: 32, newTokens: 128 },
  { key: 'later512', promptTokens: 512, newTokens: 16 },
  { key: 'later2048', promptTokens: 2048, newTokens: 16, sampled: true },
];

/**
 * `--quick`: the same replies shorter (decode over 32 tokens) and without the 2,048-token prompt, whose prefill alone
 * takes minutes per runtime on a busy 2-core machine.
 */
export const QUICK_REPLY_PLAN = [
  { key: 'first', promptTokens: 32, newTokens: 32 },
  { key: 'later32', promptTokens: 32, newTokens: 32 },
  { key: 'later512', promptTokens: 512, newTokens: 4, sampled: true },
];

/** @param {number[]} values */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * @typedef {object} RuntimeRun one load and the replies after it
 * @property {number} loadMs store (app: hub → store → ready on a cold load) or bytes → session
 * @property {number} [warmLoadMs] the app only: store → ready in a new tab
 * @property {{ ttftMs: number, tokensPerSecond: number }} [warmFirstReply] the app only: the first reply in that tab
 *   (REPLY_PLAN's first, to a new prompt)
 * @property {{ ttftMs: number, tokensPerSecond: number, promptTokens: number, generatedTokens: number, error?: string }[]} replies
 *   in the order of REPLY_PLAN (QUICK_REPLY_PLAN is its beginning); a failed one has NaN times and its error
 * @property {number} peakPssBytes the whole browser (or the Node process's peak RSS)
 */

/**
 * Medians over repetitions of one runtime.
 * @param {RuntimeRun[]} runs
 */
export function summarize(runs) {
  const reply = (/** @type {number} */ i, /** @type {'ttftMs' | 'tokensPerSecond'} */ field) => median(runs.map((run) => run.replies[i]?.[field]));
  return {
    loadMs: median(runs.map((run) => run.loadMs)),
    warmLoadMs: median(runs.map((run) => run.warmLoadMs ?? NaN)),
    ttftFirst32Ms: reply(0, 'ttftMs'),
    ttft32Ms: reply(1, 'ttftMs'),
    ttft512Ms: reply(2, 'ttftMs'),
    ttft2048Ms: reply(3, 'ttftMs'),
    decodeFirst: reply(0, 'tokensPerSecond'),
    ttftWarmFirst32Ms: median(runs.map((run) => run.warmFirstReply?.ttftMs ?? NaN)),
    decodeWarmFirst: median(runs.map((run) => run.warmFirstReply?.tokensPerSecond ?? NaN)),
    decodeLater: reply(1, 'tokensPerSecond'),
    peakPssBytes: median(runs.map((run) => run.peakPssBytes)),
  };
}

/** @typedef {ReturnType<typeof summarize>} Summary */

/**
 * The app against the best bare browser runtime, metric by metric, with the targets.
 * @param {Summary} app
 * @param {Summary[]} bare
 * @param {{ longestTaskMs: number, streamTokens: number, pageJsGzipBytes: number, downloadRatio: number }} extra
 */
export function ratios(app, bare, extra) {
  const best = (/** @type {keyof Summary} */ key, /** @type {'max' | 'min'} */ way) => {
    const values = bare.map((summary) => summary[key]).filter((v) => Number.isFinite(v));
    return values.length > 0 ? Math[way](...values) : NaN;
  };
  /** @type {{ what: string, value: number, target: string, met: boolean }[]} */
  const rows = [];
  const add = (/** @type {string} */ what, /** @type {number} */ value, /** @type {string} */ target, /** @type {(v: number) => boolean} */ test) =>
    rows.push({ what, value: Math.round(value * 100) / 100, target, met: Number.isFinite(value) && test(value) });
  add('decode (later replies), app / fastest bare', app.decodeLater / best('decodeLater', 'max'), '≥ 0.95', (v) => v >= 0.95);
  for (const [key, label] of /** @type {const} */ ([['ttft32Ms', '32'], ['ttft512Ms', '512'], ['ttft2048Ms', '2,048']])) {
    add(`time to first token, ${label}-token prompt, app / fastest bare`, app[key] / best(key, 'min'), '≤ 1.1', (v) => v <= 1.1);
  }
  add('first-reply decode / later decode (app)', app.decodeFirst / app.decodeLater, '≥ 0.9', (v) => v >= 0.9);
  add('first-reply decode in a new tab (warm load) / later decode (app)', app.decodeWarmFirst / app.decodeLater, '≥ 0.9', (v) => v >= 0.9);
  add('warm load (app) / fastest bare load', app.warmLoadMs / best('loadMs', 'min'), '≤ 1.2', (v) => v <= 1.2);
  add('peak memory, app / leanest bare (whole browser PSS)', app.peakPssBytes / best('peakPssBytes', 'min'), '≤ 1.05', (v) => v <= 1.05);
  add(`main thread longest task while streaming ${extra.streamTokens} tokens (ms)`, extra.longestTaskMs, '< 50', (v) => v < 50);
  add('page JavaScript before first use (KB gzip)', extra.pageJsGzipBytes / 1000, '≤ 120', (v) => v <= 120);
  add('download into the store / plain fetch', extra.downloadRatio, '≥ 0.9', (v) => v >= 0.9);
  return rows;
}

const seconds = (/** @type {number} */ ms) =>
  !Number.isFinite(ms) ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const speed = (/** @type {number} */ v) => (Number.isFinite(v) ? v.toFixed(1) : '—');
/** The new tab's first reply beside the first reply's figure, where measured (the app only). */
const newTab = (/** @type {number} */ value, /** @type {(v: number) => string} */ format) =>
  Number.isFinite(value) ? `; new tab ${format(value)}` : '';
const gib = (/** @type {number} */ bytes) => (Number.isFinite(bytes) && bytes > 0 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : '—');

/**
 * @typedef {object} TableRow
 * @property {string} model
 * @property {string} backend
 * @property {string} runtime
 * @property {Summary} summary
 */

/**
 * @param {{ rows: TableRow[], ratioRows: ReturnType<typeof ratios>, notes: string[] }} report
 */
export function markdownReport({ rows, ratioRows, notes }) {
  const lines = [
    '| model | backend | runtime | load (cold / warm) | TTFT 32 | TTFT 512 | TTFT 2,048 | decode first | decode later | peak memory |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ model, backend, runtime, summary: s }) =>
      [
        model,
        backend,
        runtime,
        Number.isFinite(s.warmLoadMs) ? `${seconds(s.loadMs)} / ${seconds(s.warmLoadMs)}` : seconds(s.loadMs),
        `${seconds(s.ttft32Ms)} (first ${seconds(s.ttftFirst32Ms)}${newTab(s.ttftWarmFirst32Ms, seconds)})`,
        seconds(s.ttft512Ms),
        seconds(s.ttft2048Ms),
        `${speed(s.decodeFirst)}${newTab(s.decodeWarmFirst, speed)} tok/s`,
        `${speed(s.decodeLater)} tok/s`,
        gib(s.peakPssBytes),
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'),
    ),
    '',
    '| ratio | measured | target | met |',
    '|---|---|---|---|',
    ...ratioRows.map((r) => `| ${r.what} | ${Number.isFinite(r.value) ? r.value : '—'} | ${r.target} | ${r.met ? 'yes' : 'no'} |`),
    '',
    ...notes.map((note) => `- ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** @param {string} text */
const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Two bar panels, one bar per runtime: decode speed (first and later replies) and time to first token for the
 * 512-token prompt.
 * @param {TableRow[]} rows
 * @param {string} title
 */
export function svgChart(rows, title) {
  const barHeight = 14;
  const labelWidth = 230;
  const panelWidth = 300;
  const rowHeight = barHeight * 2 + 10;
  const top = 48;
  const height = top + rows.length * rowHeight + 30;
  const width = labelWidth + 2 * (panelWidth + 30) + 10;
  const decodeMax = Math.max(1, ...rows.flatMap((r) => [r.summary.decodeFirst, r.summary.decodeLater]).filter(Number.isFinite));
  const ttftMax = Math.max(1, ...rows.map((r) => r.summary.ttft512Ms).filter(Number.isFinite));
  /** @type {string[]} */
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${labelWidth}" y="38">decode, tokens/s (light: first reply, dark: later)</text>`,
    `<text x="${labelWidth + panelWidth + 30}" y="38">time to first token, 512-token prompt, s</text>`,
  ];
  const bar = (/** @type {number} */ x, /** @type {number} */ y, /** @type {number} */ value, /** @type {number} */ max, /** @type {string} */ color, /** @type {string} */ text) => {
    if (!Number.isFinite(value)) return;
    const w = Math.max(1, (value / max) * (panelWidth - 50));
    parts.push(`<rect x="${x}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${color}"/>`);
    parts.push(`<text x="${(x + w + 4).toFixed(1)}" y="${y + barHeight - 3}">${text}</text>`);
  };
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    parts.push(`<text x="8" y="${y + barHeight + 4}">${escapeXml(`${row.runtime} (${row.backend})`)}</text>`);
    bar(labelWidth, y, row.summary.decodeFirst, decodeMax, '#9cc3e0', speed(row.summary.decodeFirst));
    bar(labelWidth, y + barHeight + 2, row.summary.decodeLater, decodeMax, '#1f5f8b', speed(row.summary.decodeLater));
    bar(labelWidth + panelWidth + 30, y + barHeight / 2, row.summary.ttft512Ms / 1000, ttftMax / 1000, '#8b1f3f', (row.summary.ttft512Ms / 1000).toFixed(2));
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
