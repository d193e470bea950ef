// @ts-check
import { describe, expect, it } from 'vitest';
import { markdownReport, median, ratios, summarize } from './report.mjs';

/** @param {number} ttftMs @param {number} tokensPerSecond */
const reply = (ttftMs, tokensPerSecond) => ({ ttftMs, tokensPerSecond, promptTokens: 32, generatedTokens: 128 });

describe('bench report', () => {
  it('takes medians over repetitions, skipping what was not measured', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, NaN, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('judges the app against the best bare runtime for each figure', () => {
    const app = summarize([
      { loadMs: 9000, warmLoadMs: 4400, warmFirstReply: reply(210, 19), replies: [reply(500, 16), reply(200, 20), reply(900, 19)], peakPssBytes: 105 },
    ]);
    const plain = summarize([{ loadMs: 4000, replies: [reply(450, 20), reply(190, 20), reply(1000, 20)], peakPssBytes: 100 }]);
    const asyncify = summarize([{ loadMs: 5000, replies: [reply(600, 15), reply(300, 15), reply(800, 15)], peakPssBytes: 120 }]);
    const rows = ratios(app, [plain, asyncify], { longestTaskMs: 40, streamTokens: 500, pageJsGzipBytes: 100_000, downloadRatio: 0.95 });
    const byName = Object.fromEntries(rows.map((row) => [row.what, row]));
    expect(byName['decode (later replies), app / fastest bare']).toMatchObject({ value: 1, met: true });
    expect(byName['first-reply decode / later decode (app)']).toMatchObject({ value: 0.8, met: false });
    expect(byName['first-reply decode in a new tab (warm load) / later decode (app)']).toMatchObject({ value: 0.95, met: true });
    expect(byName['time to first token, 512-token prompt, app / fastest bare']).toMatchObject({ value: 1.13, met: false });
    expect(byName['warm load (app) / fastest bare load']).toMatchObject({ value: 1.1, met: true });
    expect(byName['peak memory, app / leanest bare (whole browser PSS)']).toMatchObject({ value: 1.05, met: true });
    // No 2,048-token reply was measured: no figure, not met.
    expect(byName['time to first token, 2,048-token prompt, app / fastest bare']).toMatchObject({ met: false });
    expect(byName['time to first token, 2,048-token prompt, app / fastest bare'].value).toBeNaN();
  });

  it('leaves a ratio blank when no bare runtime was measured', () => {
    const app = summarize([{ loadMs: 9000, warmLoadMs: 4400, replies: [reply(500, 18), reply(200, 19)], peakPssBytes: 105 }]);
    const rows = ratios(app, [], { longestTaskMs: 40, streamTokens: 32, pageJsGzipBytes: 100_000, downloadRatio: NaN });
    const markdown = markdownReport({ rows: [{ model: 'm', backend: 'WASM', runtime: 'app', summary: app }], ratioRows: rows, notes: [] });
    expect(markdown).toContain('| decode (later replies), app / fastest bare | — | ≥ 0.95 | no |');
    expect(markdown).toContain('| m | WASM | app | 9.00 s / 4.40 s | 200 ms (first 500 ms) |');
    // No reply in a new tab was measured: the first reply's figures stand alone, and its ratio is not met.
    expect(markdown).toContain('| 18.0 tok/s | 19.0 tok/s |');
    expect(markdown).toContain('| first-reply decode in a new tab (warm load) / later decode (app) | — | ≥ 0.9 | no |');
  });

  it('shows the first reply in a new tab beside the first reply after the cold load', () => {
    const app = summarize([{ loadMs: 9000, warmLoadMs: 4400, warmFirstReply: reply(260, 18.6), replies: [reply(500, 17), reply(200, 19)], peakPssBytes: 105 }]);
    const markdown = markdownReport({ rows: [{ model: 'm', backend: 'WASM', runtime: 'app', summary: app }], ratioRows: [], notes: [] });
    expect(markdown).toContain('| 200 ms (first 500 ms; new tab 260 ms) |');
    expect(markdown).toContain('| 17.0; new tab 18.6 tok/s | 19.0 tok/s |');
  });
});
