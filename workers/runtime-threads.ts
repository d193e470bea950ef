/**
 * onnxruntime's threads are workers its Emscripten runtime starts from the engine's worker, named `em-pthread`, and the
 * runtime waits until each has loaded. In Firefox ESR one of them now and then never says a word (where it normally
 * has loaded 0.3 s after it was created): traced in 1 of 8 first starts of the Firefox suite, after which the load
 * was given up only once the start's whole allowance had passed (30 s for a small model). Watching the threads tells
 * it within THREAD_START_MS.
 */
export const THREAD_START_MS = 10_000;

const RUNTIME_THREAD_NAME = 'em-pthread';

/** When each runtime thread that has not said anything yet was created. */
const silentSince = new Map<Worker, number>();
let watching = false;

/** Starts noting the runtime threads this worker creates; call before the runtime starts. */
export function watchRuntimeThreads(scope: { Worker?: typeof Worker } = globalThis, now: () => number = () => performance.now()): void {
  if (watching || !scope.Worker) return;
  watching = true;
  const NativeWorker = scope.Worker;
  scope.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      if (options?.name !== RUNTIME_THREAD_NAME) return;
      silentSince.set(this, now());
      this.addEventListener('message', () => silentSince.delete(this), { once: true });
    }
  };
}

/** Whether a runtime thread has stayed silent since its creation for longer than THREAD_START_MS. */
export function runtimeThreadStuck(now: () => number = () => performance.now()): boolean {
  const time = now();
  for (const created of silentSince.values()) if (time - created > THREAD_START_MS) return true;
  return false;
}
