import { describe, expect, it } from 'vitest';
import { externalDataFormat, findWeightLayout, otherModelKind } from './dtypes';

describe('findWeightLayout', () => {
  it('lists each dtype with its graph and external-data files and their total size', () => {
    const layout = findWeightLayout([
      { path: 'config.json', size: 1 },
      { path: 'onnx/model.onnx', size: 100 },
      { path: 'onnx/model.onnx_data', size: 4000 },
      { path: 'onnx/model.onnx_data_1', size: 1000 },
      { path: 'onnx/model_q4f16.onnx', size: 50 },
      { path: 'onnx/model_quantized.onnx', size: 300 },
      { path: 'onnx/model_quantized.onnx_data_backup', size: 999 },
    ]);
    expect(layout?.modelFileName).toBe('model');
    expect(layout?.offers).toEqual([
      { dtype: 'fp32', bytes: 5100, files: ['onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1'] },
      { dtype: 'q8', bytes: 300, files: ['onnx/model_quantized.onnx'] },
      { dtype: 'q4f16', bytes: 50, files: ['onnx/model_q4f16.onnx'] },
    ]);
  });

  it('recognises older exports named decoder_model_merged', () => {
    const layout = findWeightLayout([{ path: 'onnx/decoder_model_merged_q4.onnx', size: 7 }]);
    expect(layout).toEqual({
      modelFileName: 'decoder_model_merged',
      offers: [{ dtype: 'q4', bytes: 7, files: ['onnx/decoder_model_merged_q4.onnx'] }],
    });
  });

  it('returns null for a repository without ONNX weights', () => {
    expect(findWeightLayout([{ path: 'model.safetensors', size: 1 }, { path: 'onnx/README.md', size: 1 }])).toBeNull();
  });
});

describe('externalDataFormat', () => {
  it('counts the data files of the graph, whatever config.json says', () => {
    const files = ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data', 'onnx/model_q4.onnx_data_1'];
    expect(externalDataFormat({ dtype: 'q4', bytes: 3, files })).toEqual({ 'model_q4.onnx': 2 });
    expect(externalDataFormat({ dtype: 'q8', bytes: 1, files: ['onnx/model_quantized.onnx'] })).toEqual({ 'model_quantized.onnx': 0 });
    const split = externalDataFormat({ dtype: 'q8', bytes: 1, files: ['onnx/model_quantized.onnx'] }, { weightsSplit: true });
    expect(split).toEqual({ 'model_quantized.onnx': 1 });
  });
});

describe('otherModelKind', () => {
  it('tells vision-language, audio and encoder-decoder exports from text decoders', () => {
    const decoder = { path: 'onnx/decoder_model_merged_q4.onnx', size: 1 };
    expect(otherModelKind([decoder, { path: 'onnx/vision_encoder_q4.onnx', size: 1 }])).toMatch(/^a vision-language model/);
    expect(otherModelKind([decoder, { path: 'onnx/audio_encoder.onnx', size: 1 }])).toMatch(/^an audio model/);
    expect(otherModelKind([decoder, { path: 'onnx/encoder_model_quantized.onnx', size: 1 }])).toMatch(/^an encoder-decoder model/);
    expect(otherModelKind([decoder, { path: 'onnx/model_q4.onnx', size: 1 }])).toBeNull();
  });
});
