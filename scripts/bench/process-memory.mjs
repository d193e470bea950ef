// @ts-check
/**
 * Memory of a whole browser (its renderers, GPU and utility processes too): the proportional set size from
 * /proc/<pid>/smaps_rollup, which counts shared pages once across the processes instead of once per process. Linux only.
 */
import { readdir, readFile } from 'node:fs/promises';
import { samplingLoop } from './sampling-loop.mjs';

/** @returns {Promise<Map<number, number>>} pid → parent pid, for every process */
async function parentsOfAll() {
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    if (stat) parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  return parents;
}

/** @param {number} root @returns {Promise<number[]>} root and all its descendants */
async function treeOf(root) {
  const parents = await parentsOfAll();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/** @param {number} pid @returns {Promise<number>} bytes, 0 for a process that has gone */
async function pssOf(pid) {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const match = rollup.match(/^Pss:\s+(\d+) kB/m);
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * The proportional set size of everything this process started (Playwright starts the browser as its child), without
 * this process itself: the benchmark runs one browser at a time, so that is the whole browser.
 * @returns {Promise<number>} bytes
 */
export async function childrenPss() {
  const sizes = await Promise.all((await treeOf(process.pid)).slice(1).map(pssOf));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * Samples `childrenPss()` every `intervalMs` until stopped; `pause`/`resume` step aside for timed work.
 * @param {number} [intervalMs]
 */
export function samplePss(intervalMs = 500) {
  /** @type {{ at: number, bytes: number }[]} */
  const samples = [];
  const loop = samplingLoop(intervalMs, async () => {
    samples.push({ at: performance.now(), bytes: await childrenPss() });
  });
  return {
    samples,
    /** The highest sample taken between two `performance.now()` times (the whole run without them). */
    peakBetween(from = 0, to = Infinity) {
      return Math.max(0, ...samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.bytes));
    },
    pause: loop.pause,
    resume: loop.resume,
    stop: loop.stop,
  };
}
