import { describe, expect, it } from 'vitest';
import { planBackends, wasmThreadCount, type Capabilities } from './device';
import type { Dtype } from '../shared/protocol';

const base: Capabilities = { webgpu: false, shaderF16: false, crossOriginIsolated: true, hardwareConcurrency: 8, gpuBufferBytes: null };
const ALL: Dtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];
const auto = { device: 'auto', dtype: 'auto' } as const;

describe('planBackends', () => {
  it('prefers q4f16 on WebGPU with shader-f16, then falls back to WASM q8', () => {
    const plan = planBackends({ ...base, webgpu: true, shaderF16: true }, ALL, auto);
    expect(plan[0]).toEqual({ device: 'webgpu', dtype: 'q4f16' });
    expect(plan.find((c) => c.device === 'wasm')).toEqual({ device: 'wasm', dtype: 'q8' });
  });

  it('prefers q4 on WebGPU without shader-f16 and never offers f16 weights there', () => {
    const plan = planBackends({ ...base, webgpu: true }, ALL, auto);
    expect(plan[0]).toEqual({ device: 'webgpu', dtype: 'q4' });
    expect(plan.filter((c) => c.device === 'webgpu').map((c) => c.dtype)).not.toContain('q4f16');
    expect(plan.filter((c) => c.device === 'webgpu').map((c) => c.dtype)).not.toContain('fp16');
  });

  it('uses WASM q8 when there is no WebGPU', () => {
    expect(planBackends(base, ALL, auto)[0]).toEqual({ device: 'wasm', dtype: 'q8' });
    expect(planBackends(base, ALL, auto).every((c) => c.device === 'wasm')).toBe(true);
  });

  it('only tries dtypes the repository offers, in order', () => {
    expect(planBackends({ ...base, webgpu: true, shaderF16: true }, ['fp32', 'q4'], auto)).toEqual([
      { device: 'webgpu', dtype: 'q4' },
      { device: 'webgpu', dtype: 'fp32' },
      { device: 'wasm', dtype: 'q4' },
      { device: 'wasm', dtype: 'fp32' },
    ]);
  });

  it('honours a forced device and dtype, but never a dtype that is not offered', () => {
    expect(planBackends({ ...base, webgpu: true }, ALL, { device: 'wasm', dtype: 'fp32' })).toEqual([
      { device: 'wasm', dtype: 'fp32' },
    ]);
    expect(planBackends(base, ['q8'], { device: 'auto', dtype: 'q4' })).toEqual([]);
  });
});

describe('wasmThreadCount', () => {
  it('is 1 without cross-origin isolation', () => {
    expect(wasmThreadCount({ ...base, crossOriginIsolated: false })).toBe(1);
  });
  it('derives from the core count, between 2 and 4 where there are several cores', () => {
    expect(wasmThreadCount({ ...base, hardwareConcurrency: 1 })).toBe(1);
    expect(wasmThreadCount({ ...base, hardwareConcurrency: 2 })).toBe(2);
    expect(wasmThreadCount({ ...base, hardwareConcurrency: 6 })).toBe(3);
    expect(wasmThreadCount({ ...base, hardwareConcurrency: 32 })).toBe(4);
  });
});
