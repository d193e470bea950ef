import { afterEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, PrefillPace, prefillQuietMs, sessionStartQuietMs } from './liveness';
import { DEFAULT_QUIET_MS, HEARTBEAT_MS, type AliveMessage } from '../shared/protocol';

describe('quiet allowances', () => {
  it('grow with the weights and the prompt, and never fall below the default', () => {
    expect(sessionStartQuietMs(0, false)).toBe(DEFAULT_QUIET_MS);
    expect(sessionStartQuietMs(1.5e9, false)).toBeGreaterThan(sessionStartQuietMs(0.5e9, false));
    // A worker's first session also starts the runtime itself.
    expect(sessionStartQuietMs(0.5e9, true)).toBeGreaterThan(sessionStartQuietMs(0.5e9, false));
    // A 1.5 GB model reading a 4,096-token prompt on a slow machine gets minutes, not seconds.
    expect(prefillQuietMs(4096, 1.5e9)).toBeGreaterThan(5 * 60_000);
    expect(prefillQuietMs(4096, 1.5e9)).toBeGreaterThan(prefillQuietMs(512, 1.5e9));
    expect(prefillQuietMs(1, 1e6)).toBeGreaterThanOrEqual(DEFAULT_QUIET_MS);
  });
});

/** Qwen3-0.6B's sizes: 28 layers, 16 heads of 128. */
const QWEN3_06B = { layers: 28, heads: 16, kvHeads: 8, hidden: 1024, headDim: 128, vocab: 151_936 };

describe('prefillQuietMs', () => {
  it('allows for the context each prompt token attends to, where the model’s sizes are known', () => {
    // Measured on WASM (q4, 2 cores): 243 tokens took 9.7 s at the start of a prompt and 87 s at 3,645 tokens of context.
    const at = (contextTokens: number) => prefillQuietMs(243, 1.02e9, { contextTokens, dimensions: QWEN3_06B });
    expect(at(243)).toBeGreaterThan(4 * 9_700);
    expect(at(3_888)).toBeGreaterThan(4 * 87_000);
    expect(prefillQuietMs(243, 1.02e9, { contextTokens: 3_888, dimensions: null })).toBe(prefillQuietMs(243, 1.02e9));
  });
});

describe('PrefillPace', () => {
  it('allows the estimate for a first step, then three times the slowest pace measured', () => {
    const pace = new PrefillPace(1.02e9, null);
    expect(pace.allowanceMs(243, 243)).toBe(prefillQuietMs(243, 1.02e9));
    pace.record(243, 60_000);
    expect(pace.allowanceMs(243, 486)).toBe(DEFAULT_QUIET_MS + 180_000);
    // A faster step later does not shorten it; a slower one lengthens it.
    pace.record(243, 30_000);
    expect(pace.allowanceMs(243, 729)).toBe(DEFAULT_QUIET_MS + 180_000);
    pace.record(100, 40_000);
    expect(pace.allowanceMs(10, 739)).toBe(Math.max(prefillQuietMs(10, 1.02e9), DEFAULT_QUIET_MS + 12_000));
  });

  it('never allows less than the estimate, however fast the steps were', () => {
    const pace = new PrefillPace(1.5e9, QWEN3_06B);
    pace.record(512, 100);
    pace.record(0, 100);
    const estimate = prefillQuietMs(512, 1.5e9, { contextTokens: 1024, dimensions: QWEN3_06B });
    expect(pace.allowanceMs(512, 1024)).toBe(estimate);
  });
});

describe('Heartbeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats every second and repeats an announced allowance until the step ends', () => {
    vi.useFakeTimers();
    const beats: AliveMessage[] = [];
    const heartbeat = new Heartbeat((message) => beats.push(message));
    heartbeat.start();
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    expect(beats.map((beat) => beat.quietMs)).toEqual([DEFAULT_QUIET_MS, DEFAULT_QUIET_MS, DEFAULT_QUIET_MS]);

    beats.length = 0;
    heartbeat.expectQuiet(90_000);
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    heartbeat.endQuiet();
    heartbeat.endQuiet();
    expect(beats.map((beat) => beat.quietMs)).toEqual([90_000, 90_000, 90_000, DEFAULT_QUIET_MS]);
    expect(beats.some((beat) => beat.runtimeStarting)).toBe(false);
  });

  it('says while it lasts that the silence ahead is the runtime starting for the first time', () => {
    vi.useFakeTimers();
    const beats: AliveMessage[] = [];
    const heartbeat = new Heartbeat((message) => beats.push(message));
    heartbeat.start();
    heartbeat.expectQuiet(DEFAULT_QUIET_MS, true);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    heartbeat.endQuiet();
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(beats.map((beat) => beat.runtimeStarting ?? false)).toEqual([false, true, true, false, false]);
  });
});
