import type { DynamicCache, Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { promptStepEnds, readPromptInSteps } from './prompt-steps';

describe('promptStepEnds', () => {
  const steps = (stepTokens: number, lastPassTokens = stepTokens, minStepTokens = stepTokens) => ({ stepTokens, lastPassTokens, minStepTokens });

  it('leaves the last step, at least the last token, to the reply', () => {
    expect(promptStepEnds(1000, 0, steps(400))).toEqual([400, 800]);
    expect(promptStepEnds(800, 0, steps(400))).toEqual([400]);
    expect(promptStepEnds(801, 0, steps(400))).toEqual([400, 800]);
    expect(promptStepEnds(400, 0, steps(400))).toEqual([]);
  });

  it('starts after what a reused cache already holds', () => {
    expect(promptStepEnds(1000, 700, steps(100))).toEqual([800, 900]);
    expect(promptStepEnds(1000, 999, steps(100))).toEqual([]);
  });

  it('leaves the reply’s pass only its share, after a step that is worth a pass of its own', () => {
    expect(promptStepEnds(1000, 0, steps(400, 30, 100))).toEqual([400, 800, 970]);
    expect(promptStepEnds(300, 0, steps(400, 30, 100))).toEqual([270]);
    expect(promptStepEnds(129, 0, steps(400, 30, 100))).toEqual([]);
    expect(promptStepEnds(130, 0, steps(400, 30, 100))).toEqual([100]);
    expect(promptStepEnds(300, 250, steps(400, 30, 100))).toEqual([]);
    expect(promptStepEnds(890, 0, steps(400, 30, 100))).toEqual([400, 800]);
    expect(promptStepEnds(31, 0, steps(400, 1, 1))).toEqual([30]);
  });
});

/** onnxruntime's tensors, as far as a step sees them. */
class RuntimeTensor {
  constructor(
    readonly type: string,
    readonly data: Float32Array,
    readonly dims: number[],
  ) {}
}

/**
 * A model that records each generate() call and answers with a cache as long as what it was given. Like
 * transformers.js, generate() runs the decoder session once with the feeds alone and reads its `logits`.
 */
function recordingModel({ failAt = -1 } = {}) {
  const calls: { ids: number[]; mask: number; past: number | null; options: Record<string, unknown>; logits: number[] }[] = [];
  const fetched: unknown[] = [];
  const cacheOf = (length: number) => ({ get_seq_length: () => length, dispose: async () => {} }) as unknown as DynamicCache;
  const session = {
    outputNames: ['logits', 'present.0.key', 'present.0.value'] as const,
    async run(_feeds: unknown, fetches?: readonly string[]): Promise<Record<string, RuntimeTensor>> {
      fetched.push(fetches);
      const names = fetches ?? session.outputNames;
      return Object.fromEntries(names.map((name) => [name, new RuntimeTensor('float32', new Float32Array(4), [1, 1, 4])]));
    },
  };
  const model = {
    calls,
    fetched,
    cacheOf,
    sessions: { model: session } as Record<string, unknown>,
    config: { vocab_size: 6 },
    generate: async (options: Record<string, unknown>) => {
      if (calls.length === failAt) throw new Error('out of memory');
      const { logits } = await (model.sessions.model as typeof session).run({});
      const ids = Array.from((options.input_ids as Tensor).data as BigInt64Array, Number);
      const past = options.past_key_values as DynamicCache | undefined;
      calls.push({ ids, mask: (options.attention_mask as Tensor).dims[1], past: past ? past.get_seq_length() : null, options, logits: logits.dims });
      expect(logits).toBeInstanceOf(RuntimeTensor);
      return { sequences: null, past_key_values: cacheOf(ids.length) };
    },
  };
  return model;
}

describe('readPromptInSteps', () => {
  const prompt = Array.from({ length: 10 }, (_, i) => 100 + i);

  it('feeds the growing prefix with the previous step cache, one greedy token at a time, and reports each step', async () => {
    const model = recordingModel();
    const steps: number[] = [];
    const read = await readPromptInSteps(model, prompt, null, { stepTokens: 4, lastPassTokens: 4, minStepTokens: 4 }, {
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
    expect((await readPromptInSteps(model, prompt, reused, { stepTokens: 2, lastPassTokens: 2, minStepTokens: 2 }, options))?.length).toBe(9);
    expect(model.calls.map((call) => call.past)).toEqual([7]);
    expect(await readPromptInSteps(model, prompt, reused, { stepTokens: 4, lastPassTokens: 4, minStepTokens: 4 }, options)).toBe(reused);
    expect(await readPromptInSteps(model, prompt, null, { stepTokens: 16, lastPassTokens: 16, minStepTokens: 16 }, options)).toBeNull();
    expect(started, 'only a prompt read in steps reports its start').toBe(1);
  });

  it('fetches no logits in a step: generate() finds one row of zeros, and the session is left as it was, also after a failure', async () => {
    const model = recordingModel();
    const session = model.sessions.model;
    await readPromptInSteps(model, prompt, null, { stepTokens: 4, lastPassTokens: 4, minStepTokens: 4 }, { signal: new AbortController().signal, onStart: () => {}, onStep: () => {} });
    expect(model.fetched).toEqual([['present.0.key', 'present.0.value'], ['present.0.key', 'present.0.value']]);
    expect(model.calls.map((call) => call.logits)).toEqual([[1, 1, 6], [1, 1, 6]]);
    expect(model.sessions.model).toBe(session);
    await (model.sessions.model as { run: (feeds: unknown) => Promise<unknown> }).run({});
    expect(model.fetched.at(-1), 'outside a step, the session fetches every output').toBeUndefined();

    const failing = recordingModel({ failAt: 1 });
    const run = (failing.sessions.model as { run: unknown }).run;
    await expect(
      readPromptInSteps(failing, prompt, null, { stepTokens: 4, lastPassTokens: 4, minStepTokens: 4 }, { signal: new AbortController().signal, onStart: () => {}, onStep: () => {} }),
    ).rejects.toThrow('out of memory');
    expect((failing.sessions.model as { run: unknown }).run).toBe(run);
  });

  it('stops between steps once aborted, with what it had read', async () => {
    const model = recordingModel();
    const controller = new AbortController();
    const read = await readPromptInSteps(model, prompt, null, { stepTokens: 2, lastPassTokens: 2, minStepTokens: 2 }, { signal: controller.signal, onStart: () => {}, onStep: () => controller.abort() });
    expect(model.calls).toHaveLength(1);
    expect(read?.length).toBe(2);
  });
});

