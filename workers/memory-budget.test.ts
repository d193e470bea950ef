import { describe, expect, it } from 'vitest';
import { bytesPerContextToken, judgeMemory, modelDimensions } from './memory-budget';
import type { DtypeOffer } from './protocol';

/** Qwen2.5-0.5B-Instruct's config.json, as the Hub serves it (the fields that matter here). */
const QWEN25_05B = { hidden_size: 896, num_attention_heads: 14, num_key_value_heads: 2, num_hidden_layers: 24, vocab_size: 151936 };
/** DeepSeek-R1-Distill-Qwen-1.5B's. */
const R1_15B = { hidden_size: 1536, num_attention_heads: 12, num_key_value_heads: 2, num_hidden_layers: 28, vocab_size: 151936 };

const offer = (dtype: DtypeOffer['dtype'], bytes: number): DtypeOffer => ({ dtype, bytes, files: [`onnx/model_${dtype}.onnx`] });

describe('modelDimensions', () => {
  it('reads head_dim where given and derives it where not (Qwen2 has none), also from a nested text_config', () => {
    expect(modelDimensions(QWEN25_05B)).toEqual({ layers: 24, kvHeads: 2, headDim: 64, vocab: 151936 });
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
  it('a 0.5B model at q8 fits on WASM, with its context capped where prompt logits would fill the heap', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    // 24 layers × 2 × 2 heads × 64 × 4 bytes of cache, plus 151,936 float logits: about 0.65 MB a token.
    expect(bytesPerContextToken(dims)).toBe(24 * 2 * 2 * 64 * 4 + 151936 * 4);
    const verdict = judgeMemory(offer('q8', 512e6), [offer('q8', 512e6)], dims, { device: 'wasm' });
    expect(verdict.fits).toBe(true);
    if (!verdict.fits) return;
    expect(verdict.contextLimit).toBeGreaterThan(4000);
    expect(verdict.contextLimit).toBeLessThan(6000);
  });

  it('refuses weights that leave no room for a conversation, naming a dtype of the same model that fits', () => {
    const dims = modelDimensions(R1_15B)!;
    const offers = [offer('fp32', 7.18e9), offer('fp16', 3.6e9), offer('q8', 1.85e9), offer('q4f16', 1.37e9)];
    const verdict = judgeMemory(offers[1], offers, dims, { device: 'wasm' });
    expect(verdict).toEqual({ fits: false, message: expect.stringMatching(/^This model's fp16 weights \(3\.6 GB\) and a conversation of 1024 tokens need .* GB while it runs, more than the 4\.3 GB that WebAssembly can use in a tab\. Nothing was downloaded\. The q4f16 weights of this model fit/) });
  });

  it('caps the context where a measured model ran out of heap: a 1,200-token prompt ran, a 1,700-token one did not', () => {
    // The benchmark's Qwen2.5-0.5B shape at q8, its float tied embedding included: 1.45 GB of weights.
    const verdict = judgeMemory(offer('q8', 1.449e9), [], modelDimensions(QWEN25_05B), { device: 'wasm' });
    expect(verdict.fits).toBe(true);
    if (!verdict.fits) return;
    expect(verdict.contextLimit).toBeGreaterThanOrEqual(1024);
    expect(verdict.contextLimit).toBeLessThanOrEqual(1200);
  });

  it('suggests a smaller model when no dtype of this one fits, and honours a lower limit', () => {
    const dims = modelDimensions(QWEN25_05B)!;
    const verdict = judgeMemory(offer('q8', 512e6), [offer('q8', 512e6)], dims, { device: 'wasm', heapBytes: 1e9 });
    expect(verdict).toEqual({ fits: false, message: expect.stringMatching(/more than the 1\.0 GB that this deployment allows a model\. .* Choose a smaller model\.$/) });
  });

  it('leaves WebGPU and configs without sizes to the runtime', () => {
    expect(judgeMemory(offer('fp32', 9e9), [], modelDimensions(R1_15B), { device: 'webgpu' })).toEqual({ fits: true, contextLimit: null });
    expect(judgeMemory(offer('fp32', 9e9), [], null, { device: 'wasm' })).toEqual({ fits: true, contextLimit: null });
  });
});
