import type { DynamicCache, Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { promptStepEnds, readPromptInSteps } from './prompt-steps';

describe('promptStepEnds', () => {
  it('leaves the last step, at least the last token, to the reply', () => {
    expect(promptStepEnds(1000, 0, 400)).toEqual([400, 800]);
    expect(promptStepEnds(800, 0, 400)).toEqual([400]);
    expect(promptStepEnds(801, 0, 400)).toEqual([400, 800]);
    expect(promptStepEnds(400, 0, 400)).toEqual([]);
  });

  it('starts after what a reused cache already holds', () => {
    expect(promptStepEnds(1000, 700, 100)).toEqual([800, 900]);
    expect(promptStepEnds(1000, 999, 100)).toEqual([]);
  });
});

/** A model that records each generate() call and answers with a cache as long as what it was given. */
function recordingModel() {
  const calls: { ids: number[]; mask: number; past: number | null; options: Record<string, unknown> }[] = [];
  const cacheOf = (length: number) => ({ get_seq_length: () => length, dispose: async () => {} }) as unknown as DynamicCache;
  return {
    calls,
    cacheOf,
    generate: async (options: Record<string, unknown>) => {
      const ids = Array.from((options.input_ids as Tensor).data as BigInt64Array, Number);
      const past = options.past_key_values as DynamicCache | undefined;
      calls.push({ ids, mask: (options.attention_mask as Tensor).dims[1], past: past ? past.get_seq_length() : null, options });
      return { sequences: null, past_key_values: cacheOf(ids.length) };
    },
  };
}

describe('readPromptInSteps', () => {
  const prompt = Array.from({ length: 10 }, (_, i) => 100 + i);

  it('feeds the growing prefix with the previous step cache, one greedy token at a time, and reports each step', async () => {
    const model = recordingModel();
    const steps: number[] = [];
    const read = await readPromptInSteps(model, prompt, null, 4, {
      signal: new AbortController().signal,
      onStart: () => steps.push(0),
      onStep: (step) => steps.push(step.length),
    });
    expect(model.calls.map(({ ids, mask, past }) => ({ ids: ids.length, mask, past }))).toEqual([
      { ids: 4, mask: 4, past: null },
      { ids: 8, mask: 8, past: 4 },
    ]);
    expect(model.calls[1].ids).toEqual(prompt.slice(0, 8));
    expect(model.calls[0].options).toMatchObject({ max_new_tokens: 1, do_sample: false, return_dict_in_generate: true });
    expect(steps).toEqual([0, 4, 8]);
    expect(read?.length).toBe(8);
    expect(read?.cache.get_seq_length()).toBe(8);
  });

  it('continues from a reused cache, and hands it back untouched when no step is needed', async () => {
    const model = recordingModel();
    const reused = { cache: model.cacheOf(7), length: 7 };
    let started = 0;
    const options = { signal: new AbortController().signal, onStart: () => started++, onStep: () => {} };
    expect((await readPromptInSteps(model, prompt, reused, 2, options))?.length).toBe(9);
    expect(model.calls.map((call) => call.past)).toEqual([7]);
    expect(await readPromptInSteps(model, prompt, reused, 4, options)).toBe(reused);
    expect(await readPromptInSteps(model, prompt, null, 16, options)).toBeNull();
    expect(started, 'only a prompt read in steps reports its start').toBe(1);
  });

  it('stops between steps once aborted, with what it had read', async () => {
    const model = recordingModel();
    const controller = new AbortController();
    const read = await readPromptInSteps(model, prompt, null, 2, { signal: controller.signal, onStart: () => {}, onStep: () => controller.abort() });
    expect(model.calls).toHaveLength(1);
    expect(read?.length).toBe(2);
  });
});

