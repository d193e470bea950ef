import { describe, expect, it } from 'vitest';
import { TransferMeter } from './transfer-meter';

describe('TransferMeter', () => {
  it('measures speed over its window and estimates the time left', () => {
    let now = 0;
    const meter = new TransferMeter(() => now, 5_000);
    expect(meter.bytesPerSecond()).toBe(0);
    expect(meter.secondsLeft(1_000)).toBeNull();
    for (let second = 0; second <= 10; second++) {
      now = second * 1000;
      meter.add(second < 5 ? 1_000 : 2_000);
    }
    expect(meter.bytesPerSecond()).toBeCloseTo(2_000, -1);
    expect(meter.secondsLeft(10_000)).toBe(5);
    expect(meter.secondsLeft(0)).toBe(0);
  });

  it('shows the speed falling while nothing arrives', () => {
    let now = 0;
    const meter = new TransferMeter(() => now, 5_000);
    meter.add(0);
    now = 1_000;
    meter.add(5_000);
    const flowing = meter.bytesPerSecond();
    now = 4_000;
    expect(meter.bytesPerSecond()).toBeLessThan(flowing);
  });
});
