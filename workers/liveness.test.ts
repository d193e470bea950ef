import { afterEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, prefillQuietMs, sessionStartQuietMs } from './liveness';
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
