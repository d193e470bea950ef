import { Tensor, type DynamicCache } from '@huggingface/transformers';

/** How a prompt is read: steps of at most `stepTokens`, then the reply's own first pass (see promptStepEnds). */
export interface PromptReading {
  stepTokens: number;
  /** What the reply's own first pass reads at most, when a step of at least `minStepTokens` leaves it that. */
  lastPassTokens: number;
  minStepTokens: number;
}

/** Where the steps before the reply's own first pass end: each reads at most `stepTokens` more tokens into the cache. */
export function promptStepEnds(promptTokens: number, cachedTokens: number, { stepTokens, lastPassTokens, minStepTokens }: PromptReading): number[] {
  const ends: number[] = [];
  // The reply's pass reads what is left, at least the prompt's last token...
  for (let end = cachedTokens + stepTokens; end < promptTokens; end += stepTokens) ends.push(end);
  // ...or only its share, after one more step, where that step is worth a forward pass of its own.
  const stepsEnd = promptTokens - Math.max(1, lastPassTokens);
  if (stepsEnd - (ends.at(-1) ?? cachedTokens) >= Math.max(1, minStepTokens)) ends.push(stepsEnd);
  return ends;
}

/** What a step needs of onnxruntime's InferenceSession. */
interface DecoderSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: unknown, fetches?: unknown, options?: unknown): Promise<Record<string, unknown>>;
}

interface PromptReader {
  generate(options: Record<string, unknown>): Promise<unknown>;
  /** transformers.js' onnxruntime sessions; a decoder-only model's is `model`. */
  sessions: Record<string, unknown>;
  config: object;
}

function decoderSession(model: Pick<PromptReader, 'sessions'>): DecoderSession | undefined {
  return model.sessions.model as DecoderSession | undefined;
}

/** Whether the graph takes `num_logits_to_keep`, with which generate() makes the last position's logits only. */
export function keepsLastLogitOnly(model: Pick<PromptReader, 'sessions'>): boolean {
  return decoderSession(model)?.inputNames.includes('num_logits_to_keep') ?? false;
}

/**
 * Runs `work` (one step's generate()) with the decoder session fetching no logits. A step keeps only the cache, and
 * onnxruntime copies each fetched output out of its heap into a new buffer: every position's logits, vocabulary ×
 * tokens × 4 bytes, 243 MB a step of 400 tokens for Qwen's 151,936-token vocabulary, in memory the system must
 * clear first. generate() gets one position of zero logits instead, and the token it picks is thrown away.
 */
async function withoutLogits<T>(model: PromptReader, work: () => Promise<T>): Promise<T> {
  const session = decoderSession(model);
  const fetches = session?.outputNames.filter((name) => name !== 'logits') ?? [];
  if (!session?.outputNames.includes('logits') || fetches.length === 0) return work();
  const run = session.run;
  const { vocab_size } = model.config as { vocab_size?: unknown };
  const width = typeof vocab_size === 'number' && vocab_size > 0 ? vocab_size : 1;
  session.run = async (feeds) => {
    const outputs = await run.call(session, feeds, fetches);
    // Made with the class of the runtime's own outputs, which transformers.js recognises (its bundled onnxruntime's).
    const OutputTensor = (outputs[fetches[0]] as object).constructor as new (type: string, data: Float32Array, dims: number[]) => unknown;
    return { ...outputs, logits: new OutputTensor('float32', new Float32Array(width), [1, 1, width]) };
  };
  try {
    return await work();
  } finally {
    session.run = run;
  }
}

/** The prompt's cache so far: the first `length` tokens' keys and values. */
export interface ReadSoFar {
  cache: DynamicCache;
  length: number;
}

/**
 * Reads a prompt but its last part into the KV cache, one forward pass of at most `reading.stepTokens` tokens at a
 * time, so no pass makes more logits and attention scores than a step's worth; the reply's generate() reads the rest
 * (at most `reading.lastPassTokens`) from the returned cache. Each step is a one-token generation that fetches no
 * logits and whose token is thrown away: its cache covers exactly the tokens it was given (each step is a
 * `prompt:step` measure on the timeline). Stops early, with what it has read, once `signal` aborts. `onStart` hears
 * that steps are needed, before the first; `onStep` hears of each step's cache as it is made, and how long the step
 * took, so the caller always holds the newest one (to keep, or to free if a later step fails).
 */
export async function readPromptInSteps(
  model: PromptReader,
  promptIds: readonly number[],
  start: ReadSoFar | null,
  reading: PromptReading,
  { signal, onStart, onStep }: { signal: AbortSignal; onStart: () => void; onStep: (read: ReadSoFar, stepMs: number) => void },
): Promise<ReadSoFar | null> {
  let read = start;
  const ends = promptStepEnds(promptIds.length, start?.length ?? 0, reading);
  if (ends.length > 0) onStart();
  for (const end of ends) {
    if (signal.aborted) break;
    const started = performance.now();
    const output = (await withoutLogits(model, () =>
      model.generate({
        input_ids: new Tensor('int64', BigInt64Array.from(promptIds.slice(0, end), BigInt), [1, end]),
        attention_mask: new Tensor('int64', new BigInt64Array(end).fill(1n), [1, end]),
        max_new_tokens: 1,
        do_sample: false,
        return_dict_in_generate: true,
        ...(read ? { past_key_values: read.cache } : {}),
      }),
    )) as { past_key_values: DynamicCache };
    // On the worker's timeline for profiles and tests: which tokens each step read, and how long it took.
    const step = performance.measure('prompt:step', { start: started, detail: { from: read?.length ?? 0, to: end } });
    read = { cache: output.past_key_values, length: end };
    onStep(read, step.duration);
  }
  return read;
}
