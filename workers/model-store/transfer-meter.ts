/**
 * Download speed over a sliding window of the last few seconds, and the time left at that speed. Bytes read back
 * from the store do not count: only what arrives over the network.
 */
export class TransferMeter {
  private readonly samples: { at: number; received: number }[] = [];
  private received = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs = 5_000,
  ) {}

  add(bytes: number): void {
    this.received += bytes;
    const at = this.now();
    this.samples.push({ at, received: this.received });
    while (this.samples.length > 2 && at - this.samples[1].at >= this.windowMs) this.samples.shift();
  }

  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last) return 0;
    // Measured up to now, so a stalled connection shows its speed falling instead of the last good figure.
    const seconds = (this.now() - first.at) / 1000;
    return seconds > 0.2 ? (last.received - first.received) / seconds : 0;
  }

  secondsLeft(remainingBytes: number): number | null {
    if (remainingBytes <= 0) return 0;
    const speed = this.bytesPerSecond();
    return speed > 0 ? Math.ceil(remainingBytes / speed) : null;
  }
}
