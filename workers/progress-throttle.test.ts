import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from './progress-throttle';
import type { FileProgress } from './protocol';

describe('ProgressThrottle', () => {
  it('sends the first and last report of a file and at most one per interval in between', () => {
    let now = 0;
    const sent: FileProgress[] = [];
    const throttle = new ProgressThrottle((progress) => sent.push(progress), 100, () => now);
    throttle.report({ file: 'a.onnx', done: false });
    for (let loaded = 10; loaded <= 90; loaded += 10) {
      now += 20;
      throttle.report({ file: 'a.onnx', loaded, total: 100, done: false });
    }
    throttle.report({ file: 'a.onnx', done: true });
    expect(sent[0]).toEqual({ file: 'a.onnx', loaded: 0, total: 0, done: false });
    expect(sent.length).toBeLessThan(6);
    expect(sent.at(-1)).toEqual({ file: 'a.onnx', loaded: 100, total: 100, done: true });
  });

  it('flush sends the latest state that was held back', () => {
    const sent: FileProgress[] = [];
    const throttle = new ProgressThrottle((progress) => sent.push(progress), 100, () => 0);
    throttle.report({ file: 'b', loaded: 1, total: 10, done: false });
    throttle.report({ file: 'b', loaded: 5, total: 10, done: false });
    throttle.flush();
    expect(sent.at(-1)).toEqual({ file: 'b', loaded: 5, total: 10, done: false });
  });
});
