// @ts-check
import { describe, expect, it } from 'vitest';
import { samplingLoop, unsampled } from './sampling-loop.mjs';

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('samplingLoop', () => {
  it('takes no sample while paused, waits for the one in progress, and goes on after resume', async () => {
    /** @type {string[]} */
    const events = [];
    const loop = samplingLoop(1, async () => {
      events.push('start');
      await sleep(20);
      events.push('end');
    });
    await sleep(5); // a sample is in progress
    await loop.pause();
    expect(events.at(-1)).toBe('end');
    const taken = events.length;
    await sleep(40);
    expect(events.length).toBe(taken);
    loop.resume();
    await sleep(30);
    expect(events.length).toBeGreaterThan(taken);
    await loop.stop();
  });

  it('stops while paused, and unsampled resumes after a failed task', async () => {
    let samples = 0;
    const loop = samplingLoop(1, async () => void samples++);
    await expect(unsampled([loop], async () => Promise.reject(new Error('timed work failed')))).rejects.toThrow('timed work failed');
    await sleep(10);
    expect(samples).toBeGreaterThan(1);
    await loop.pause();
    await loop.stop();
  });
});
