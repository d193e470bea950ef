import { describe, expect, it } from 'vitest';
import { bytesPerContextToken, embeddingBytes, judgeMemory, modelDimensions, PROMPT_STEP_BYTES, promptReading, promptStepTokens } from './memory-budget';
import type { DtypeOffer } from '../shared/protocol';

/** Qwen2.5-0.5B-Instruct's config.json, as the Hub serves it (the fields that matter here). */
const QWEN25_05B = { hidden_size: 896, num_attention_heads: 14, num_key_value_heads: 2, num_hidden_layers: 24, vocab_size: 151936 };
/** Llama-3.2-1B-Instruct's. */
const LLAMA32_1B = { hidden_size: 2048, num_attention_heads: 32, num_key_value_heads: 8, num_hidden_layers: 16, head_dim: 64, vocab_size: 128256 };
/** DeepSeek-R1-Distill-Qwen-1.5B's. */
const R1_15B = { hidden_size: 1536, num_attention_heads: 12, num_key_value_heads: 2, num_hidden_layers: 28, vocab_size: 151936 };

const offer = (dtype: DtypeOffer['dtype'], bytes: number): DtypeOffer => ({ dtype, bytes, files: [`onnx/model_${dtype}.onnx`] });

describe('modelDimensions', () => {
  it('reads head_dim where given and derives it where not (Qwen2 has none), also from a nested text_config', () => {
    expect(modelDimensions(QWEN25_05B)).toEqual({ layers: 24, heads: 14, kvHeads: 2, hidden: 896, headDim: 64, vocab: 151936 });
    expect(modelDimensions({ text_config: { ...QWEN25_05B, head_dim: 128 } })?.headDim).toBe(128);
    expect(modelDimensions({ ...QWEN25_05B, num_key_value_heads: undefined })?.kvHeads).toBe(14);
  });

  it('gives nothing for a config without the sizes', () => {
    expect(modelDimensions({})).toBeNull();
    expect(modelDimensions(null)).toBeNull();
    expect(modelDimensions({ ...QWEN25_05B, vocab_size: '151936' })).toBeNull();
  });
});

describe('judgeMemory', () => {
  it('a 0.5B model at q8 fits on WASM with a context far beyond its own limit: a token keeps only its keys and values', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    // 24 layers × 2 × 2 heads × 64 × 4 bytes of cache, in and out of a forward pass: 48 KiB a token.
    expect(bytesPerContextToken(dims)).toBe(2 * 24 * 2 * 2 * 64 * 4);
    const verdict = judgeMemory(offer('q8', 512e6), [offer('q8', 512e6)], dims, { device: 'wasm' });
    expect(verdict.fits).toBe(true);
    if (!verdict.fits) return;
    expect(verdict.contextLimit).toBeGreaterThan(32_768);
  });

  it('refuses weights that leave no room for a conversation, naming a dtype of the same model that fits', () => {
    const dims = modelDimensions(R1_15B)!;
    const offers = [offer('fp32', 7.18e9), offer('fp16', 3.6e9), offer('q8', 1.85e9), offer('q4f16', 1.37e9)];
    const verdict = judgeMemory(offers[1], offers, dims, { device: 'wasm' });
    expect(verdict).toEqual({ fits: false, message: expect.stringMatching(/^This model's fp16 weights \(3\.6 GB\) and a conversation of 1024 tokens need .* GB while it runs, more than the 4\.3 GB that WebAssembly can use in a tab\. Nothing was downloaded\. The q4f16 weights of this model fit/) });
  });

  it('caps the context where measured prompts still ran, and refuses weights whose load alone would not fit', () => {
    // Llama-3.2-1B-Instruct (a tied embedding of 128,256 × 2,048): its q4f16 weights (1.07 GB) left the heap at
    // 3.44 GiB after loading, and an 8,400-token prompt ran without growing it (npm run bench:heap).
    const llama = modelDimensions(LLAMA32_1B)!;
    const llamaOffers = [offer('fp16', 2.472e9), offer('q4', 1.66e9), offer('q4f16', 1.074e9)];
    const q4f16 = judgeMemory(llamaOffers[2], llamaOffers, llama, { device: 'wasm' });
    expect(q4f16.fits && q4f16.contextLimit).toBeGreaterThanOrEqual(8_400);
    expect(q4f16.fits && q4f16.contextLimit).toBeLessThan(8_600);
    // Its q4 weights took the heap to 3.93 GiB while loading: too close to the limit to offer them.
    expect(judgeMemory(llamaOffers[1], llamaOffers, llama, { device: 'wasm' })).toEqual({
      fits: false,
      message: expect.stringMatching(/^This model's q4 weights \(1\.7 GB\) and a conversation of 1024 tokens need 4\.6 GB while it runs, .* The q4f16 weights of this model fit/),
    });
    // Qwen2.5-0.5B q8 (1.45 GB, its float tied embedding included) left 1.87 GiB after loading: its keys and values
    // take 48 KiB a token, so most of its 32,768-token window fits.
    const qwen = judgeMemory(offer('q8', 1.449e9), [], modelDimensions(QWEN25_05B), { device: 'wasm' });
    expect(qwen.fits && qwen.contextLimit).toBeGreaterThan(30_000);
  });

  it('suggests a smaller model when no dtype of this one fits, and honours a lower limit', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    const verdict = judgeMemory(offer('q8', 512e6), [offer('q8', 512e6)], dims, { device: 'wasm', heapBytes: 1e9 });
    expect(verdict).toEqual({ fits: false, message: expect.stringMatching(/more than the 1\.0 GB that this deployment allows a model\. .* Choose a smaller model\.$/) });
  });

  it('leaves configs without sizes to the runtime', () => {
    expect(judgeMemory(offer('fp32', 9e9), [], null, { device: 'wasm' })).toEqual({ fits: true, contextLimit: null });
    expect(judgeMemory(offer('fp32', 9e9), [], null, { device: 'webgpu', gpuBufferBytes: 1 })).toEqual({ fits: true, contextLimit: null });
  });

  it('on WebGPU, refuses weights whose token embedding is larger than the GPU takes in one buffer, naming a dtype that fits', () => {
    const dims = modelDimensions(R1_15B)!;
    // 151,936 × 1,536 weights: 933 MB in fp32, 467 MB in fp16; 256 MiB is the limit WebGPU guarantees.
    expect(embeddingBytes('fp32', dims)).toBe(151936 * 1536 * 4);
    const offers = [offer('fp32', 7.18e9), offer('fp16', 3.6e9), offer('q4f16', 1.37e9)];
    const gpu = (gpuBufferBytes: number | null) => ({ device: 'webgpu' as const, gpuBufferBytes });
    expect(judgeMemory(offers[0], offers, dims, gpu(2 ** 31))).toEqual({ fits: true, contextLimit: null });
    expect(judgeMemory(offers[0], offers, dims, gpu(null))).toEqual({ fits: true, contextLimit: null });
    expect(judgeMemory(offers[0], offers, dims, gpu(512 * 2 ** 20))).toEqual({
      fits: false,
      message: expect.stringMatching(/^This model's fp32 weights keep its token embeddings in one table of 933 MB, more than the 537 MB this GPU takes in one buffer\. Nothing was downloaded\. The fp16 weights of this model fit/),
    });
    // Quantized exports differ in how they keep the table: left to the runtime, and offered as a maybe.
    expect(judgeMemory(offers[2], offers, dims, gpu(256 * 2 ** 20))).toEqual({ fits: true, contextLimit: null });
    expect(judgeMemory(offers[1], offers, dims, gpu(256 * 2 ** 20))).toEqual({ fits: false, message: expect.stringContaining('Quantized weights (such as q4f16) may fit') });
    // A GPU without shader-f16 is not told to choose fp16 weights.
    const withoutF16 = { ...gpu(512 * 2 ** 20), runnable: ['q4', 'q8', 'int8', 'uint8', 'fp32'] as const };
    expect(judgeMemory(offers[0], offers, dims, withoutF16)).toEqual({ fits: false, message: expect.stringContaining('Quantized weights (such as q4) may fit') });
  });
});

describe('promptStepTokens', () => {
  it('reads a prompt in steps whose logits and attention scores stay within the step budget', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    const step = promptStepTokens(dims, 2048);
    // 151,936 logits and 2 × 14 heads × 2,048 scores a row, four bytes each
    expect(step).toBe(Math.floor(PROMPT_STEP_BYTES / (151936 * 4 + 2 * 14 * 2048 * 4)));
    expect(step).toBeGreaterThan(256);
    // the longer the context, the more scores a row holds
    expect(promptStepTokens(dims, 32_768)).toBeLessThan(step);
  });

  it('keeps steps between 16 and 512 tokens, and takes the longest when the sizes are unknown', () => {
    const tiny = { layers: 2, heads: 4, kvHeads: 2, hidden: 64, headDim: 16, vocab: 300 };
    expect(promptStepTokens(tiny, 1000)).toBe(512);
    expect(promptStepTokens({ ...tiny, vocab: 262_144, heads: 64 }, 1_000_000)).toBe(16);
    expect(promptStepTokens(null, 1000)).toBe(512);
  });
});

describe('promptReading', () => {
  it('leaves the reply’s own pass 16 MiB of logits where the graph makes a row for every position it reads', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    const reading = promptReading(dims, 512, false);
    expect(reading.lastPassTokens).toBe(27); // 16 MiB / (151,936 × 4 bytes)
    expect(reading.minStepTokens).toBe(111); // a step only where it spares 64 MiB of logits
    expect(reading.stepTokens).toBe(promptStepTokens(dims, 512));
  });

  it('reads the prompt as before where the graph keeps only the last logits, the vocabulary is small, or sizes are unknown', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    const step = promptStepTokens(dims, 512);
    expect(promptReading(dims, 512, true)).toEqual({ stepTokens: step, lastPassTokens: step, minStepTokens: step });
    expect(promptReading({ ...dims, vocab: 300 }, 512, false).lastPassTokens).toBe(promptStepTokens({ ...dims, vocab: 300 }, 512));
    expect(promptReading(null, 512, false)).toEqual({ stepTokens: 512, lastPassTokens: 512, minStepTokens: 512 });
  });
});
