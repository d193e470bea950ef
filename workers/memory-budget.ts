import type { Device, Dtype, DtypeOffer } from '../shared/protocol';
import type { PromptReading } from './prompt-steps';

/** The sizes in a model's config.json that decide what a conversation costs in memory besides the weights. */
export interface ModelDimensions {
  layers: number;
  /** Attention heads: each row of a prompt step holds one score per head and attended position. */
  heads: number;
  kvHeads: number;
  /** The width of a token's hidden state: a row of the token embedding. */
  hidden: number;
  headDim: number;
  vocab: number;
}

/** Reads the dimensions from config.json (or its `text_config`, as Gemma 3 and multimodal configs nest them). */
export function modelDimensions(config: unknown): ModelDimensions | null {
  const root = (config ?? {}) as Record<string, unknown>;
  const fields = (typeof root.text_config === 'object' && root.text_config !== null ? root.text_config : root) as Record<string, unknown>;
  const number = (key: string) => (typeof fields[key] === 'number' && (fields[key] as number) > 0 ? (fields[key] as number) : null);
  const layers = number('num_hidden_layers');
  const heads = number('num_attention_heads');
  const hidden = number('hidden_size');
  const vocab = number('vocab_size');
  if (!layers || !heads || !hidden || !vocab) return null;
  return { layers, heads, kvHeads: number('num_key_value_heads') ?? heads, hidden, headDim: number('head_dim') ?? hidden / heads, vocab };
}

/**
 * WebAssembly memory is 32-bit: onnxruntime-web's heap, which holds the weights, the KV cache and every activation,
 * cannot pass 4 GiB. A little is kept for the runtime itself and for fragmentation.
 */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;
const RUNTIME_RESERVE_BYTES = 256 * 1024 ** 2;
/**
 * What loading a model takes from the heap besides its weights, counted in float32 copies of the token embedding
 * table (vocab × hidden × 4 bytes): the size of the output projection, which onnxruntime copies while it prepares the
 * graph (it pre-packs float matrices for its kernels). Graphs are handed over with their weights split out
 * (model-store/graph-rewrite.ts), so no copy of the whole graph is counted. Measured through the app
 * (`npm run bench:heap`, real-size twins, 2026-12-02), the heap after loading held the weights plus 1.0 table
 * (Qwen2.5-0.5B q8 and q4, Qwen3-0.6B q4), 1.3 (Qwen3 q4f16) and 2.4–2.5 (Llama-3.2-1B q4 and q4f16, whose projection
 * is the tied embedding table) — so 2.5 at the peak of a load. The heap never shrinks, but those copies are freed
 * inside it: a 2,048-token prompt to either Llama left the heap as it was.
 */
const LOAD_PEAK_TABLE_COPIES = 2.5;
/**
 * What stays of those copies once loaded, beside which a conversation's keys and values must fit. An 8,400-token
 * prompt to Llama-3.2-1B q4f16 did not grow its heap past the 3.44 GiB of its load, so at most 1.2 tables stayed;
 * 1.5 leaves room for graphs that keep more.
 */
const KEPT_TABLE_COPIES = 1.5;
/** Below this, chatting is not worth it: the model loads but a few turns would already not fit. */
export const MIN_USEFUL_CONTEXT = 1024;

/**
 * What one step of reading a prompt may hold at once besides the cache: each prompt position of the step makes a row
 * of logits (transformers.js keeps every position's unless the graph takes `num_logits_to_keep`, and exports rarely
 * do) and a row of attention scores per head. Read whole, a 2,000-token prompt to a model with 150,000 tokens in its
 * vocabulary made 1.2 GB of logits at once and ran out of heap; read in steps of this size, it takes what one step does.
 */
export const PROMPT_STEP_BYTES = 256 * 1024 ** 2;
/** Steps longer than this gain little speed: a forward pass over 512 rows already keeps the matrix units busy. */
const MAX_PROMPT_STEP = 512;
const MIN_PROMPT_STEP = 16;

/** How many prompt tokens one forward pass reads, for a prompt of `contextTokens` (unknown sizes: the longest step). */
export function promptStepTokens(dimensions: ModelDimensions | null, contextTokens: number): number {
  if (!dimensions) return MAX_PROMPT_STEP;
  // float32 logits, and attention scores before and after the softmax for every head and attended position
  const bytesPerRow = dimensions.vocab * 4 + 2 * dimensions.heads * contextTokens * 4;
  return Math.min(MAX_PROMPT_STEP, Math.max(MIN_PROMPT_STEP, Math.floor(PROMPT_STEP_BYTES / bytesPerRow)));
}

/**
 * The most logits the reply's own first pass may fetch. Where the graph makes logits for every position it reads (no
 * `num_logits_to_keep` input, as in Optimum's exports), onnxruntime copies them all out of its heap into fresh memory,
 * though the reply needs only the last row; the prompt up to that pass is read in steps that fetch none
 * (prompt-steps.ts). On the 2-core CI machine, whose fresh memory is at times slow to clear, a 1,481-token prompt
 * read in steps of about 400 that fetched every row (243 MB a step, Qwen's 151,936-token vocabulary) had its first
 * token after 10–14 s late in the test suite (2.1–2.9 s alone); fetching none, after 1.4 s.
 */
const LAST_PASS_LOGIT_BYTES = 16 * 1024 ** 2;
/**
 * A step is a forward pass of its own (the weights are read once more, about a decoded token's time), so one is added
 * before the reply's pass only where it keeps at least this many bytes of logits from being fetched.
 */
const MIN_SAVED_LOGIT_BYTES = 64 * 1024 ** 2;

/** How a prompt of `contextTokens` is read: steps, and how much the reply's own first pass reads. */
export function promptReading(dimensions: ModelDimensions | null, contextTokens: number, keepsLastLogitOnly: boolean): PromptReading {
  const stepTokens = promptStepTokens(dimensions, contextTokens);
  if (!dimensions || keepsLastLogitOnly) return { stepTokens, lastPassTokens: stepTokens, minStepTokens: stepTokens };
  const rowBytes = dimensions.vocab * 4;
  return {
    stepTokens,
    lastPassTokens: Math.min(stepTokens, Math.max(1, Math.floor(LAST_PASS_LOGIT_BYTES / rowBytes))),
    minStepTokens: Math.ceil(MIN_SAVED_LOGIT_BYTES / rowBytes),
  };
}

/**
 * Bytes each token of context costs in the heap: its keys and values in every layer (float32: fp16 exports of one
 * exporter family keep a float32 cache, so this is the bound), twice, as every forward pass copies the past cache in
 * and writes the present one out. Its logits and attention scores are a prompt step's, counted once.
 */
export function bytesPerContextToken({ layers, kvHeads, headDim }: ModelDimensions): number {
  return 2 * (2 * layers * kvHeads * headDim * 4);
}

/**
 * Bytes a weight of the token embedding takes in exports of a dtype, where the dtype tells: fp32 and fp16 exports keep
 * the table as it is, while quantized ones differ by exporter (a float table in Optimum's, 4-bit in some of
 * onnxruntime-genai's).
 */
const EMBEDDING_BYTES_PER_WEIGHT: Partial<Record<Dtype, number>> = { fp32: 4, fp16: 2 };

/** The token embedding table's bytes (the largest tensor of a chat model, one buffer on a GPU), where the dtype tells. */
export function embeddingBytes(dtype: Dtype, { vocab, hidden }: ModelDimensions): number | null {
  const perWeight = EMBEDDING_BYTES_PER_WEIGHT[dtype];
  return perWeight === undefined ? null : vocab * hidden * perWeight;
}

/** `contextLimit`: the most tokens of conversation that fit beside the weights (null: not known, not capped here). */
export type MemoryVerdict = { fits: true; contextLimit: number | null } | { fits: false; message: string };

/**
 * Whether a model can run in a tab, judged before its weights are downloaded, and the longest context it can then
 * hold. On WASM the weights and the conversation share the 4 GiB heap (or a lower limit the deployment sets), so the
 * context is capped to what remains. On WebGPU the weights and cache live in GPU memory, which the browser does not
 * size for a page; what is known to matter is the largest tensor, the token embedding, which onnxruntime puts in one
 * buffer: more than the adapter allows one buffer (`gpuBufferBytes`) and the model cannot start.
 */
export function judgeMemory(
  offer: DtypeOffer,
  offers: readonly DtypeOffer[],
  dimensions: ModelDimensions | null,
  {
    device,
    heapBytes = WASM_HEAP_BYTES,
    gpuBufferBytes = null,
    runnable,
  }: { device: Device; heapBytes?: number; gpuBufferBytes?: number | null; runnable?: readonly Dtype[] },
): MemoryVerdict {
  if (!dimensions) return { fits: true, contextLimit: null };
  if (device === 'webgpu') return judgeGpuBuffer(offer, offers, dimensions, gpuBufferBytes, runnable);
  const perToken = bytesPerContextToken(dimensions);
  const table = dimensions.vocab * dimensions.hidden * 4;
  /** The heap at the peak of loading `weights`. */
  const loadPeak = (weights: number) => RUNTIME_RESERVE_BYTES + weights + LOAD_PEAK_TABLE_COPIES * table;
  /** The heap the loaded model keeps, with a prompt step's room: the conversation comes on top. */
  const kept = (weights: number) => RUNTIME_RESERVE_BYTES + weights + KEPT_TABLE_COPIES * table + PROMPT_STEP_BYTES;
  const heapNeeded = (weights: number, contextTokens: number) => Math.max(loadPeak(weights), kept(weights) + contextTokens * perToken);
  /** The most tokens of conversation beside `weights`: none where loading them alone would not fit. */
  const contextFor = (weights: number) => (loadPeak(weights) > heapBytes ? 0 : Math.floor((heapBytes - kept(weights)) / perToken));
  const context = contextFor(offer.bytes);
  if (context >= MIN_USEFUL_CONTEXT) return { fits: true, contextLimit: context };
  const smaller = offers.filter((other) => other.bytes < offer.bytes && contextFor(other.bytes) >= MIN_USEFUL_CONTEXT);
  const advice = smaller.length > 0
    ? `The ${smaller.sort((a, b) => b.bytes - a.bytes)[0].dtype} weights of this model fit: choose them under Settings → Weights (dtype).`
    : 'Choose a smaller model.';
  return {
    fits: false,
    message:
      `This model's ${offer.dtype} weights (${gigabytes(offer.bytes)}) and a conversation of ${MIN_USEFUL_CONTEXT} tokens need ` +
      `${gigabytes(heapNeeded(offer.bytes, MIN_USEFUL_CONTEXT))} while it runs, more than the ${gigabytes(heapBytes)} ` +
      `that ${heapBytes < WASM_HEAP_BYTES ? 'this deployment allows a model' : 'WebAssembly can use in a tab'}. Nothing was downloaded. ${advice}`,
  };
}

/** `runnable`: the dtypes this GPU can run (f16 ones need `shader-f16`); unknown, any. */
function judgeGpuBuffer(
  offer: DtypeOffer,
  offers: readonly DtypeOffer[],
  dimensions: ModelDimensions,
  gpuBufferBytes: number | null,
  runnable: readonly Dtype[] | undefined,
): MemoryVerdict {
  const table = embeddingBytes(offer.dtype, dimensions);
  if (table === null || gpuBufferBytes === null || table <= gpuBufferBytes) return { fits: true, contextLimit: null };
  const runs = (dtype: Dtype) => runnable === undefined || runnable.includes(dtype);
  const smaller = offers.find((other) => runs(other.dtype) && (embeddingBytes(other.dtype, dimensions) ?? Infinity) <= gpuBufferBytes);
  const quantized = runs('q4f16') ? 'q4f16' : 'q4';
  const advice = smaller
    ? `The ${smaller.dtype} weights of this model fit: choose them under Settings → Weights (dtype), or run it on WASM (CPU) under Settings → Device.`
    : `Quantized weights (such as ${quantized}) may fit: choose them under Settings → Weights (dtype), or run it on WASM (CPU) under Settings → Device.`;
  return {
    fits: false,
    message:
      `This model's ${offer.dtype} weights keep its token embeddings in one table of ${megabytes(table)}, more than the ` +
      `${megabytes(gpuBufferBytes)} this GPU takes in one buffer. Nothing was downloaded. ${advice}`,
  };
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
