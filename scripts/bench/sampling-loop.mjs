// @ts-check
/**
 * A sampler that can step aside. A sample is not free: one PSS reading of a browser holding a model walks its page
 * tables for about 0.2 s of a core, and a heap query interrupts the worker running the model. On two cores that slows
 * the model's threads and stretches the page's tasks, so the timed replies and the streamed one run with sampling
 * paused (`pause` waits for a sample in progress to end).
 */

/**
 * Calls `sampleOnce` every `intervalMs` until stopped.
 * @param {number} intervalMs
 * @param {() => Promise<void>} sampleOnce
 */
export function samplingLoop(intervalMs, sampleOnce) {
  let running = true;
  /** @type {Promise<void> | null} the sample being taken */
  let current = null;
  /** @type {(() => void) | null} resolves the wait of a paused loop */
  let wake = null;
  /** @type {Promise<void> | null} */
  let paused = null;
  const loop = (async () => {
    while (running) {
      if (paused) await paused;
      if (!running) break;
      current = sampleOnce();
      await current;
      current = null;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  const resume = () => {
    wake?.();
    wake = null;
    paused = null;
  };
  return {
    /** Stops sampling until `resume`; settles once no sample is being taken. */
    async pause() {
      paused ??= new Promise((resolve) => (wake = () => resolve(undefined)));
      await current;
    },
    resume,
    async stop() {
      running = false;
      resume();
      await loop;
    },
  };
}

/**
 * Runs `task` with every sampler paused.
 * @template T
 * @param {{ pause(): Promise<void>, resume(): void }[]} samplers
 * @param {() => Promise<T>} task
 */
export async function unsampled(samplers, task) {
  await Promise.all(samplers.map((sampler) => sampler.pause()));
  try {
    return await task();
  } finally {
    for (const sampler of samplers) sampler.resume();
  }
}
