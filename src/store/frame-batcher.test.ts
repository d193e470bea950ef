import { describe, expect, it, vi } from 'vitest';
import { FrameBatcher, throttled } from './frame-batcher';

describe('FrameBatcher', () => {
  it('hands on everything that arrived within a frame as one update', () => {
    const frames: (() => void)[] = [];
    const applied: string[] = [];
    const batcher = new FrameBatcher((text) => applied.push(text), (callback) => frames.push(callback));
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
