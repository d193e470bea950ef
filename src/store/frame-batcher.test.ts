import { describe, expect, it, vi } from 'vitest';
import { FrameBatcher, nextFrame, throttled } from './frame-batcher';

describe('FrameBatcher', () => {
  it('hands on everything that arrived within a frame as one update', () => {
    const frames: (() => void)[] = [];
    const applied: string[] = [];
    const batcher = new FrameBatcher((text) => applied.push(text), (callback) => frames.push(callback), 0);
    batcher.push('a');
    batcher.push('b');
    batcher.push('c');
    expect(frames).toHaveLength(1);
    expect(applied).toEqual([]);
    frames.shift()!();
    expect(applied).toEqual(['abc']);
    batcher.push('d');
    batcher.flush();
    frames.shift()!();
    expect(applied, 'a flush hands on at once, and the frame then has nothing to do').toEqual(['abc', 'd']);
  });

  it('leaves at least the minimum gap between two hand-ons, the first one going out on the next frame', () => {
    vi.useFakeTimers();
    try {
      const frames: (() => void)[] = [];
      const applied: string[] = [];
      const batcher = new FrameBatcher((text) => applied.push(text), (callback) => frames.push(callback), 200, () => Date.now());
      batcher.push('a');
      frames.shift()!();
      expect(applied).toEqual(['a']);
      batcher.push('b');
      vi.advanceTimersByTime(150);
      batcher.push('c');
      expect(frames, 'no frame is asked for within the gap').toHaveLength(0);
      vi.advanceTimersByTime(50);
      frames.shift()!();
      expect(applied).toEqual(['a', 'bc']);
      vi.advanceTimersByTime(1000);
      batcher.push('d');
      expect(frames, 'after a pause, the next frame').toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('nextFrame', () => {
  it('waits for the next animation frame, but no longer than 50 ms when the page is not painted', () => {
    vi.useFakeTimers();
    const frames = new Map<number, () => void>();
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.set(frames.size + 1, callback).size);
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
    try {
      const painted = vi.fn();
      nextFrame(painted);
      frames.get(1)!();
      vi.advanceTimersByTime(100);
      expect(painted, 'the frame came first; the timer was cancelled').toHaveBeenCalledTimes(1);

      const hidden = vi.fn();
      nextFrame(hidden);
      vi.advanceTimersByTime(49);
      expect(hidden).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(hidden).toHaveBeenCalledTimes(1);
      expect(frames.has(2), 'the frame request was cancelled').toBe(false);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });
});

describe('throttled', () => {
  it('runs at most once per interval, and flush runs a pending call now', () => {
    vi.useFakeTimers();
    const task = vi.fn();
    const saver = throttled(task, 500);
    saver.request();
    saver.request();
    vi.advanceTimersByTime(499);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    saver.request();
    saver.flush();
    expect(task).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(2);
    saver.flush();
    expect(task, 'nothing pending, nothing to flush').toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});
