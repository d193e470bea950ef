import { DEFAULT_QUIET_MS, HEARTBEAT_MS } from '../shared/protocol';

/** A check that comes this much later than scheduled means the page itself was suspended (sleep, a frozen tab). */
const SUSPENDED_AFTER_MS = 3 * HEARTBEAT_MS;

/**
 * Decides, from what the page has heard of its worker, whether the worker is dead or hung. A worker that closed
 * itself, ran out of memory or spins in a loop fires no event, so silence is the only sign: more silence than the
 * worker's own heartbeat allowed.
 */
export class SilenceWatch {
  private lastHeard: number;
  private lastCheck: number;
  private quietMs = DEFAULT_QUIET_MS;
  private starting = false;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastHeard = this.lastCheck = now();
  }

  /** The worker said something; a heartbeat also says how long it may now be silent, and why. */
  heard(heartbeat?: { quietMs: number; runtimeStarting?: true }): void {
    this.lastHeard = this.now();
    if (heartbeat) {
      this.quietMs = heartbeat.quietMs;
      this.starting = heartbeat.runtimeStarting === true;
    }
  }

  /** Whether the worker's last heartbeat said its silence is onnxruntime's first start (see AliveMessage). */
  get runtimeStarting(): boolean {
    return this.starting;
  }

  /** A fresh worker: nothing heard yet, the default allowance. */
  reset(): void {
    this.lastHeard = this.lastCheck = this.now();
    this.quietMs = DEFAULT_QUIET_MS;
    this.starting = false;
  }

  /** Called about every HEARTBEAT_MS. Returns how long the worker has been silent beyond its allowance, or null. */
  check(): number | null {
    const now = this.now();
    const late = now - this.lastCheck > SUSPENDED_AFTER_MS;
    this.lastCheck = now;
    // After a suspension the worker was frozen as well: give it a fresh allowance instead of blaming it.
    if (late) this.lastHeard = now;
    const silentMs = now - this.lastHeard;
    return silentMs > this.quietMs ? silentMs : null;
  }
}
