/**
 * The longest a batch waits. A hidden tab, or a cross-origin frame the browser does not paint (an embedded chat
 * off-screen), may get no animation frame for seconds, yet its reply must still reach the store, the saved copy and
 * an embedding host as it streams.
 */
const MAX_WAIT_MS = 50;

/** Calls back on the next animation frame, or after MAX_WAIT_MS if no frame comes first. */
export function nextFrame(callback: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(callback, 16);
    return;
  }
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, MAX_WAIT_MS);
}

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
