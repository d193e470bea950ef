import { describe, expect, it } from 'vitest';
import { describeLoadFailure } from './load-errors';

const ref = { repo: 'org/model', revision: 'main', hubUrl: 'https://huggingface.co' };

describe('describeLoadFailure', () => {
  it('says a load that ran out of memory did so, and what may fit instead, leaving the other candidates to try', () => {
    const error = new Error("Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc");
    const failure = describeLoadFailure(error, { device: 'wasm', dtype: 'fp16' }, ref);
    expect(failure).toMatchObject({ fatal: false, deviceBroken: false });
    expect(failure.error.message).toBe(
      'the fp16 weights ran out of WebAssembly memory (at most 4 GiB a tab) while the model was being prepared; smaller weights (Settings → Weights (dtype)) or a smaller model may fit',
    );
    expect(failure.error.cause).toBe(error);
  });

  it('passes on other runtime failures as they were, and takes WebGPU failures as the device’s', () => {
    const failure = describeLoadFailure(new Error('unsupported op GroupQueryAttention'), { device: 'webgpu', dtype: 'q4f16' }, ref);
    expect(failure).toMatchObject({ fatal: false, deviceBroken: true });
    expect(failure.error.message).toBe('unsupported op GroupQueryAttention');
  });
});
