import { describe, expect, it } from 'vitest';
import { readableTokens } from './embedder';

describe('readableTokens', () => {
  it('takes the tokenizer’s model_max_length, else the position embeddings, else BERT’s 512', () => {
    expect(readableTokens(512, { max_position_embeddings: 514 })).toBe(512);
    // transformers.js reads an unset model_max_length as a huge number
    expect(readableTokens(1e30, { max_position_embeddings: 8192 })).toBe(8192);
    expect(readableTokens(Number.POSITIVE_INFINITY, {})).toBe(512);
    expect(readableTokens(Number.NaN, null)).toBe(512);
  });
});
