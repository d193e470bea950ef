import { describe, expect, it } from 'vitest';
import { DynamicCache, Tensor } from '@huggingface/transformers';
import { commonPrefixLength, reusableLength, TurnCache } from './turn-cache';

function cacheOf(length: number): DynamicCache {
  const data = Float32Array.from({ length: 2 * length }, (_, i) => i);
  return new DynamicCache({
    'past_key_values.0.key': new Tensor('float32', data, [1, 1, length, 2]),
    'past_key_values.0.value': new Tensor('float32', data.slice(), [1, 1, length, 2]),
  });
}

describe('reusableLength', () => {
  it('reuses a cache whose tokens are a prefix of the prompt', () => {
    expect(commonPrefixLength([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(reusableLength([1, 2, 3], [1, 2, 3, 4, 5], false)).toBe(3);
  });

  it('leaves at least the last prompt token to compute', () => {
    expect(reusableLength([1, 2, 3], [1, 2, 3], true)).toBe(2);
  });

  it('cuts a diverging cache only when it can be cut', () => {
    expect(reusableLength([1, 2, 3, 9], [1, 2, 3, 4, 5], true)).toBe(3);
    expect(reusableLength([1, 2, 3, 9], [1, 2, 3, 4, 5], false)).toBe(0);
    expect(reusableLength([7, 2], [1, 2, 3], true)).toBe(0);
  });
});

describe('TurnCache', () => {
  it('hands the cache back for a prompt that extends it, cut to the shared prefix', async () => {
    const turns = new TurnCache();
    turns.keep('model', [1, 2, 3, 4, 5], cacheOf(4));
    const taken = await turns.take('model', [1, 2, 3, 9, 9]);
    expect(taken?.length).toBe(3);
    expect(taken?.cache.get_seq_length()).toBe(3);
    expect((taken?.cache['past_key_values.0.key'] as Tensor).tolist()).toEqual([[[[0, 1], [2, 3], [4, 5]]]]);
    expect(await turns.take('model', [1, 2, 3, 9, 9]), 'a cache is handed out once').toBeNull();
  });

  it('drops the cache for another model or other settings, and for a prompt that shares nothing', async () => {
    const turns = new TurnCache();
    turns.keep('a', [1, 2, 3], cacheOf(3));
    expect(await turns.take('b', [1, 2, 3, 4])).toBeNull();
    turns.keep('a', [1, 2, 3], cacheOf(3));
    expect(await turns.take('a', [5, 6, 7, 8])).toBeNull();
  });
});
