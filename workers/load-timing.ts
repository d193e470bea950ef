/**
 * Puts a step of loading a model on the worker's performance timeline as a `load:<step>` measure, so a profile (or a
 * benchmark reading `performance.getEntriesByType('measure')` in the worker) shows where the load time goes.
 */
export async function timed<T>(step: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    measureSince(step, start);
  }
}

export function measureSince(step: string, start: number): void {
  performance.measure(`load:${step}`, { start, end: performance.now() });
}
