import { describe, expect, it } from 'vitest';
import { parseGenerationDefaults, toGenerateOptions } from './generation-config';

describe('generation config', () => {
  it('reads the sampling defaults a model ships and ignores the rest', () => {
    expect(
      parseGenerationDefaults({ do_sample: true, temperature: 0.6, top_p: 0.95, top_k: 20, max_length: 9, bos_token_id: 1, top_k_extra: 3 }),
    ).toEqual({ doSample: true, temperature: 0.6, topP: 0.95, topK: 20 });
    expect(parseGenerationDefaults({ temperature: 'hot', max_new_tokens: 32 })).toEqual({ maxNewTokens: 32 });
    expect(parseGenerationDefaults(null)).toEqual({});
  });

  it('passes only the settings that are set, in transformers.js names', () => {
    expect(toGenerateOptions({ maxNewTokens: 10, temperature: 0.7, repetitionPenalty: 1.1 })).toEqual({
      temperature: 0.7,
      repetition_penalty: 1.1,
    });
  });
});
