/**
 * A module fetched with `import()` the first time it is asked for and kept once it arrives, so the page's first load
 * carries only what it shows at once. React renders without it until then (see `useLazyModule`).
 */
export interface LazyModule<T> {
  /** The module, or null while it has not arrived. */
  current: () => T | null;
  /** Starts loading once; resolves with the module. A failed load is forgotten, so the next call tries again. */
  load: () => Promise<T>;
  /** Starts loading in the background; what needs the module keeps its plain fallback should that fail. */
  request: () => void;
  /** Called once when the module arrives. */
  subscribe: (listener: () => void) => () => void;
}

export function lazyModule<T>(importModule: () => Promise<T>): LazyModule<T> {
  let module: T | null = null;
  let loading: Promise<T> | null = null;
  const listeners = new Set<() => void>();
  const load = (): Promise<T> => {
    loading ??= importModule().then(
      (loaded) => {
        module = loaded;
        for (const listener of listeners) listener();
        return loaded;
      },
      (error: unknown) => {
        loading = null;
        throw error;
      },
    );
    return loading;
  };
  return {
    current: () => module,
    load,
    request: () => void load().catch(() => undefined),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Runs `task` once the page has nothing else to do (or after `timeoutMs` at the latest). */
export function whenIdle(task: () => void, timeoutMs = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: timeoutMs });
  else setTimeout(task, 200);
}
