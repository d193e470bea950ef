import { Tensor, type DynamicCache } from '@huggingface/transformers';

/** Where the steps before the last one end: each step reads at most `stepTokens` more tokens into the cache. */
export function promptStepEnds(promptTokens: number, cachedTokens: number, stepTokens: number): number[] {
  const ends: number[] = [];
  // The last step, the reply's own first forward pass, reads what is left (at least the prompt's last token).
  for (let end = cachedTokens + stepTokens; end < promptTokens; end += stepTokens) ends.push(end);
  return ends;
}

interface PromptReader {
  generate(options: Record<string, unknown>): Promise<unknown>;
}

/** The prompt's cache so far: the first `length` tokens' keys and values. */
export interface ReadSoFar {
  cache: DynamicCache;
  length: number;
}

/**
 * Reads all of a prompt but its last step into the KV cache, one forward pass of at most `stepTokens` tokens at a
 * time, so no pass makes more logits and attention scores than a step's worth; the reply's generate() reads the rest
 * from the returned cache (each step is a `prompt:step` measure on the timeline). Each step is a one-token generation whose token is thrown away: its cache covers exactly
 * the tokens it was given. Stops early, with what it has read, once `signal` aborts. `onStart` hears that steps
 * are needed, before the first; `onStep` hears of each step's
 * cache as it is made, so the caller always holds the newest one (to keep, or to free if a later step fails).
 */
export async function readPromptInSteps(
  model: PromptReader,
  promptIds: readonly number[],
  start: ReadSoFar | null,
  stepTokens: number,
  { signal, onStart, onStep }: { signal: AbortSignal; onStart: () => void; onStep: (read: ReadSoFar) => void },
): Promise<ReadSoFar | null> {
  let read = start;
  const ends = promptStepEnds(promptIds.length, start?.length ?? 0, stepTokens);
  if (ends.length > 0) onStart();
  for (const end of ends) {
    if (signal.aborted) break;
    const started = performance.now();
    const output = (await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(promptIds.slice(0, end), BigInt), [1, end]),
      attention_mask: new Tensor('int64', new BigInt64Array(end).fill(1n), [1, end]),
      max_new_tokens: 1,
      do_sample: false,
      return_dict_in_generate: true,
      ...(read ? { past_key_values: read.cache } : {}),
    })) as { past_key_values: DynamicCache };
    read = { cache: output.past_key_values, length: end };
    // On the worker's timeline for profiles and tests: which tokens each step read, and how long it took.
    performance.measure('prompt:step', { start: started, detail: { from: end - stepTokens, to: end } });
    onStep(read);
  }
  return read;
}
