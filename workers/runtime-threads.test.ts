import { describe, expect, it } from 'vitest';
import { runtimeThreadStuck, THREAD_START_MS, watchRuntimeThreads } from './runtime-threads';

/** Stands in for the browser's Worker: created with a name, and a message can arrive from it. */
class FakeWorker extends EventTarget {
  constructor(
    readonly url: string | URL,
    readonly options?: WorkerOptions,
  ) {
    super();
  }
  speak() {
    this.dispatchEvent(new MessageEvent('message', { data: { cmd: 'loaded' } }));
  }
}

describe('watchRuntimeThreads', () => {
  it('tells a runtime thread that never said anything from one that loaded, and ignores other workers', () => {
    let time = 0;
    const now = () => time;
    const scope = { Worker: FakeWorker as unknown as typeof Worker };
    watchRuntimeThreads(scope, now);
    const start = (name: string) => new scope.Worker('ort.mjs', { type: 'module', name }) as unknown as FakeWorker;

    const loaded = start('em-pthread');
    start('something-else');
    time = THREAD_START_MS + 1;
    loaded.speak();
    expect(loaded).toBeInstanceOf(FakeWorker);
    expect(runtimeThreadStuck(now)).toBe(false);

    start('em-pthread');
    time += THREAD_START_MS;
    expect(runtimeThreadStuck(now)).toBe(false);
    time += 1;
    expect(runtimeThreadStuck(now)).toBe(true);
  });
});
