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
 * The least time between two renders of a reply being written. Each render costs the page's main thread several
 * milliseconds (React, style, layout, paint), and on a machine with few cores that time is taken from the model's
 * threads. Measured on 2 cores (Qwen2.5-0.5B shape, q8, 2 threads, onnxruntime's run timed inside the worker): a render
 * at every frame a token arrived in made a decode step take 93–103 ms; with 250 ms between renders it took 82–88 ms,
 * as in the bare runtime (80–87 ms). Four updates a second still read as a steady stream.
 */
export const STREAM_RENDER_GAP_MS = 250;

/**
 * Collects streamed text and hands it on at most once per animation frame and once per `minGapMs`, so a fast model
 * costs a few store updates (and renders) a second however many tokens arrived. The first piece after a pause goes
 * out on the next frame, so the first words of a reply show at once.
 */
export class FrameBatcher {
  private pending = '';
  private scheduled = false;
  private lastHandedOn = -Infinity;

  constructor(
    private readonly apply: (text: string) => void,
    private readonly schedule: (callback: () => void) => void = nextFrame,
    private readonly minGapMs = STREAM_RENDER_GAP_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string): void {
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    const handOn = () =>
      this.schedule(() => {
        this.scheduled = false;
        this.flush();
      });
    const wait = this.lastHandedOn + this.minGapMs - this.now();
    if (wait > 0) setTimeout(handOn, wait);
    else handOn();
  }

  /** Hands on whatever is waiting now (at Stop and at the end of a reply). */
  flush(): void {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.lastHandedOn = this.now();
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
