const nextFrame: (callback: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (callback) => requestAnimationFrame(() => callback()) : (callback) => setTimeout(callback, 16);

/**
 * Collects streamed text and hands it on at most once per animation frame, so a fast model costs one store update
 * (and one render) per frame however many tokens arrived in it.
 */
export class FrameBatcher {
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly apply: (text: string) => void,
    private readonly schedule: (callback: () => void) => void = nextFrame,
  ) {}

  push(text: string): void {
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Hands on whatever is waiting now (before a save, and at the end of a reply). */
  flush(): void {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.apply(text);
  }
}

/** Runs `task` at most once per `intervalMs` while `request` keeps being called; `flush` runs a pending one now. */
export function throttled(task: () => void, intervalMs: number): { request: () => void; flush: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    task();
  };
  return {
    request: () => {
      timer ??= setTimeout(run, intervalMs);
    },
    flush: () => {
      if (timer !== null) run();
    },
  };
}
