import type { Device, Dtype, Preference } from '../shared/protocol';

export interface Capabilities {
  /** A WebGPU adapter could be obtained. */
  webgpu: boolean;
  /** The adapter supports the `shader-f16` feature (needed for fp16 and q4f16 weights). */
  shaderF16: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /**
   * The largest buffer the adapter lets a shader read (the lower of its `maxBufferSize` and
   * `maxStorageBufferBindingSize`); null without an adapter.
   */
  gpuBufferBytes: number | null;
}

export interface BackendCandidate {
  device: Device;
  dtype: Dtype;
}

/**
 * Dtypes in order of preference per device. On WebGPU 4-bit weights are smallest and fastest; f16 variants need
 * `shader-f16`. On WASM the q8 files (MatMulInteger) run several times faster than q4 (MatMulNBits), so q8 leads.
 */
const WEBGPU_F16_ORDER: Dtype[] = ['q4f16', 'q4', 'fp16', 'q8', 'int8', 'uint8', 'fp32'];
const WEBGPU_F32_ORDER: Dtype[] = ['q4', 'q8', 'int8', 'uint8', 'fp32'];
const WASM_ORDER: Dtype[] = ['q8', 'int8', 'uint8', 'q4', 'fp32', 'bnb4', 'fp16', 'q4f16'];

/** The dtypes `device` can run here, best first. */
export function dtypeOrder(device: Device, capabilities: Capabilities): Dtype[] {
  if (device === 'wasm') return WASM_ORDER;
  return capabilities.shaderF16 ? WEBGPU_F16_ORDER : WEBGPU_F32_ORDER;
}

/**
 * Every device/dtype pair worth trying, best first, limited to what the repository offers and what the user forced.
 * A forced device or dtype is honoured even when it is not the usual choice, but never invented: a dtype the
 * repository lacks is not tried.
 */
export function planBackends(
  capabilities: Capabilities,
  offered: readonly Dtype[],
  preference: { device: Preference<Device>; dtype: Preference<Dtype> },
): BackendCandidate[] {
  const devices: Device[] =
    preference.device !== 'auto' ? [preference.device] : capabilities.webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  const candidates: BackendCandidate[] = [];
  for (const device of devices) {
    const order = preference.dtype === 'auto' ? dtypeOrder(device, capabilities) : [preference.dtype];
    for (const dtype of order) {
      if (offered.includes(dtype)) candidates.push({ device, dtype });
    }
  }
  return candidates;
}

/**
 * WASM threads for onnxruntime-web. Threads need cross-origin isolation (SharedArrayBuffer). Half the logical cores,
 * at least two where there are two, at most four: beyond that the decode loop gains little and the page loses cores.
 */
export function wasmThreadCount(capabilities: Capabilities): number {
  if (!capabilities.crossOriginIsolated) return 1;
  const cores = Math.max(1, Math.floor(capabilities.hardwareConcurrency || 1));
  if (cores === 1) return 1;
  return Math.min(4, Math.max(2, Math.ceil(cores / 2)));
}
