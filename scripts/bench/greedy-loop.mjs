// @ts-check
/**
 * The bare runtimes' reply: a greedy loop with a KV cache over a decoder in transformers.js' IO layout
 * (input_ids, attention_mask, position_ids, past_key_values.{i}.key|value → logits, present.{i}.key|value).
 * The same code runs on onnxruntime-web in the benchmark's bare page and on onnxruntime-node, and times a reply the
 * way the app's engine does (workers/engine.ts): time to first token from the start, decode speed over the tokens
 * after the first.
 */

import { float16Value } from '../fixtures/float16.mjs';

/**
 * The prompt is read in forward passes of at most this many tokens, the longest step the app takes
 * (workers/memory-budget.ts): read whole, a 2,048-token prompt's logits (2,048 rows of 151,936 floats) do not fit
 * the WebAssembly heap beside a 1.45 GB model.
 */
const PROMPT_STEP = 512;

/**
 * @typedef {object} KvShape from config.json
 * @property {number} numLayers
 * @property {number} numKvHeads
 * @property {number} headDim
 */

/**
 * @typedef {object} ReplyTiming
 * @property {number} promptTokens
 * @property {number} generatedTokens
 * @property {number} ttftMs
 * @property {number} tokensPerSecond
 * @property {string} [error] why the reply did not come (its times are then NaN)
 */

/**
 * @param {Record<string, any>} config a transformers config.json
 * @returns {KvShape}
 */
export function kvShapeOf(config) {
  return {
    numLayers: config.num_hidden_layers,
    numKvHeads: config.num_key_value_heads,
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
  };
}

/**
 * The index of a logits row's largest value. A float16 row may come as its raw bits (a Uint16Array), whose order as
 * integers is not the values' order, so those are decoded first.
 * @param {ArrayLike<number>} row
 */
function argmax(row) {
  const value = row instanceof Uint16Array ? (/** @type {number} */ i) => float16Value(row[i]) : (/** @type {number} */ i) => row[i];
  let best = 0;
  for (let i = 1; i < row.length; i++) if (value(i) > value(best)) best = i;
  return best;
}

/**
 * @param {{ Tensor: any }} ort onnxruntime-web's or onnxruntime-node's namespace
 * @param {{ inputNames: readonly string[], inputMetadata?: readonly any[], run: (feeds: Record<string, any>) => Promise<Record<string, any>> }} session
 * @param {KvShape} kv
 * @param {number[]} promptIds
 * @param {number} newTokens
 * @returns {Promise<ReplyTiming>}
 */
export async function greedyReply(ort, session, kv, promptIds, newTokens) {
  const started = performance.now();
  const int64s = (/** @type {number[]} */ values) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  /** @type {Record<string, any>} */
  let past = {};
  // onnxruntime-genai's fp16 and q4f16 graphs keep a float16 cache
  const cacheType = session.inputMetadata?.find((input) => input.name === 'past_key_values.0.key')?.type ?? 'float32';
  for (let i = 0; i < kv.numLayers; i++) {
    for (const part of ['key', 'value']) {
      const empty = cacheType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
      past[`past_key_values.${i}.${part}`] = new ort.Tensor(cacheType, empty, [1, kv.numKvHeads, 0, kv.headDim]);
    }
  }
  let length = 0;
  const run = async (/** @type {number[]} */ input) => {
    const positions = input.map((_, i) => length + i);
    length += input.length;
    const outputs = await session.run({
      input_ids: int64s(input),
      attention_mask: int64s(new Array(length).fill(1)),
      // onnxruntime-genai's graphs with GroupQueryAttention compute positions from the mask and take none
      ...(session.inputNames.includes('position_ids') ? { position_ids: int64s(positions) } : {}),
      ...past,
    });
    past = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = tensor;
    }
    return outputs.logits;
  };
  // All of the prompt but its last step; the loop's first pass reads the rest and gives the first token.
  for (let end = PROMPT_STEP; end < promptIds.length; end += PROMPT_STEP) await run(promptIds.slice(length, end));
  let input = promptIds.slice(length);
  let firstTokenAt = 0;
  let generated = 0;
  while (generated < newTokens) {
    const logits = await run(input);
    const vocab = logits.dims[2];
    const last = /** @type {Float32Array | Uint16Array} */ (logits.data).subarray((logits.dims[1] - 1) * vocab, logits.dims[1] * vocab);
    const token = argmax(last);
    generated++;
    if (generated === 1) firstTokenAt = performance.now();
    input = [token];
  }
  const decodeSeconds = (performance.now() - firstTokenAt) / 1000;
  return {
    promptTokens: promptIds.length,
    generatedTokens: generated,
    ttftMs: Math.round(firstTokenAt - started),
    tokensPerSecond: generated > 1 ? (generated - 1) / decodeSeconds : 0,
  };
}
