// @ts-check
/**
 * Peak JS heaps of a page and of its dedicated workers, sampled through the DevTools protocol: the page's session asks
 * `Runtime.getHeapUsage` (used JS heap; WebAssembly memory and ArrayBuffers are not in it, the browser's PSS has
 * those) and attaches to each worker as it starts, asking it the same through `Target.sendMessageToTarget`.
 */

import { samplingLoop } from './sampling-loop.mjs';

/** @typedef {import('@playwright/test').Page} Page */

/**
 * @param {Page} page
 * @param {number} [intervalMs]
 */
export async function sampleJsHeaps(page, intervalMs = 250) {
  const cdp = await page.context().newCDPSession(page);
  /** @type {Map<string, string>} worker session id → its URL */
  const workers = new Map();
  /** @type {Map<number, (result: any) => void>} */
  const pending = new Map();
  let nextId = 0;
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker') workers.set(sessionId, targetInfo.url);
  });
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => sessionId && workers.delete(sessionId));
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    pending.get(reply.id)?.(reply.result ?? null);
    pending.delete(reply.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  /** @param {string} sessionId @returns {Promise<{ usedSize: number } | null>} */
  const askWorker = (sessionId) =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      const message = JSON.stringify({ id, method: 'Runtime.getHeapUsage' });
      cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch(() => resolve(null));
      setTimeout(() => pending.delete(id) && resolve(null), 5000);
    });
  const peaks = { page: 0, workers: 0 };
  const loop = samplingLoop(intervalMs, async () => {
    const usage = await cdp.send('Runtime.getHeapUsage').catch(() => null);
    if (usage) peaks.page = Math.max(peaks.page, usage.usedSize);
    const sizes = await Promise.all([...workers.keys()].map(askWorker));
    peaks.workers = Math.max(peaks.workers, sizes.reduce((sum, size) => sum + (size?.usedSize ?? 0), 0));
  });
  return {
    pause: loop.pause,
    resume: loop.resume,
    /** @returns {Promise<{ page: number, workers: number }>} peak bytes: the page's heap, all its workers' together */
    async stop() {
      await loop.stop();
      await cdp.detach().catch(() => {});
      return peaks;
    },
  };
}
