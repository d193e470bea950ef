import { describe, expect, it } from 'vitest';
import { EngineError } from '../shared/protocol';
import { withHubFallback } from './hub-fallback';

describe('withHubFallback', () => {
  it('moves on when a hub cannot serve the model, and stops at any other failure', async () => {
    const tried: string[] = [];
    const result = await withHubFallback(['/models', 'https://hub'], async (hub) => {
      tried.push(hub);
      if (hub === '/models') throw new EngineError('repo-not-found', 'not on the mirror');
      return `from ${hub}`;
    });
    expect(result).toBe('from https://hub');
    expect(tried).toEqual(['/models', 'https://hub']);

    const cancelled = withHubFallback(['a', 'b'], async () => {
      throw new EngineError('cancelled', 'Cancelled.');
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    await expect(withHubFallback(['a', 'b'], async (hub) => {
      throw new EngineError('network', `down: ${hub}`);
    })).rejects.toThrow('down: b');
    await expect(withHubFallback([], async () => 1)).rejects.toMatchObject({ code: 'internal' });
  });
});
