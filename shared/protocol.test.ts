import { describe, expect, it } from 'vitest';
import { EngineError, isCancellation } from './protocol';

describe('EngineError', () => {
  it('keeps name, code and message across the worker boundary', () => {
    const original = new EngineError('repo-not-found', 'The model “a/b” was not found.');
    const copy = EngineError.fromWire(structuredClone(original.toWire()));
    expect(copy).toBeInstanceOf(EngineError);
    expect({ name: copy.name, code: copy.code, message: copy.message }).toEqual({
      name: 'EngineError',
      code: 'repo-not-found',
      message: 'The model “a/b” was not found.',
    });
  });

  it('names cancellations AbortError so they can be told apart from failures', () => {
    const cancelled = EngineError.fromWire(new EngineError('cancelled', 'Cancelled.').toWire());
    expect(cancelled.name).toBe('AbortError');
    expect(isCancellation(cancelled)).toBe(true);
    expect(isCancellation(new Error('Cancelled.'))).toBe(false);
  });
});
