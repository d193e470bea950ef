// @ts-check
/**
 * Peak JS heaps of every page and dedicated worker in a browser, sampled through the DevTools protocol: a browser-wide
 * session attaches to each target as it appears and asks it `Runtime.getHeapUsage` (used JS heap; WebAssembly memory
 * and ArrayBuffers are not in it, the process's PSS has those).
 */

/** @typedef {import('@playwright/test').Browser} Browser */

/**
 * @param {Browser} browser
 * @param {number} [intervalMs]
 */
export async function sampleJsHeaps(browser, intervalMs = 250) {
  const cdp = await browser.newBrowserCDPSession();
  /** @type {Map<string, { type: string, url: string, sessionId: string }>} */
  const attached = new Map();
  /** @type {Map<number, (result: any) => void>} */
  const pending = new Map();
  let nextId = 0;
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    pending.get(reply.id)?.(reply.result ?? null);
    pending.delete(reply.id);
  });
  /** @param {string} sessionId @param {string} method */
  const ask = (sessionId, method) =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(() => resolve(null));
      setTimeout(() => pending.has(id) && (pending.delete(id), resolve(null)), 5000);
    });
  /** @type {Record<string, number>} peak used heap per target type: page, worker */
  const peaks = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const { targetInfos } = await cdp.send('Target.getTargets').catch(() => ({ targetInfos: [] }));
      for (const target of targetInfos) {
        if (!['page', 'worker'].includes(target.type) || attached.has(target.targetId)) continue;
        const session = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false }).catch(() => null);
        if (session) attached.set(target.targetId, { type: target.type, url: target.url, sessionId: session.sessionId });
      }
      const live = new Set(targetInfos.map((target) => target.targetId));
      for (const [targetId, target] of attached) {
        if (!live.has(targetId)) continue;
        const usage = await ask(target.sessionId, 'Runtime.getHeapUsage');
        if (usage) peaks[target.type] = Math.max(peaks[target.type] ?? 0, usage.usedSize);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** @returns {Promise<Record<string, number>>} */
    async stop() {
      running = false;
      await loop;
      await cdp.detach().catch(() => {});
      return peaks;
    },
  };
}
