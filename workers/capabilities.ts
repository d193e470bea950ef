import type { Capabilities } from './device';

/** The slice of the WebGPU API we touch; the full typings are not worth a dependency for two calls. */
interface GpuAdapterLike {
  features: ReadonlySet<string>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

let probed: Promise<Capabilities> | null = null;

/** What this worker's browser offers. Asked once: requesting an adapter is slow on some drivers. */
export function probeCapabilities(): Promise<Capabilities> {
  probed ??= (async () => {
    const gpu = (navigator as { gpu?: GpuLike }).gpu;
    let adapter: GpuAdapterLike | null = null;
    try {
      adapter = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
    } catch {
      adapter = null;
    }
    return {
      webgpu: adapter !== null,
      shaderF16: adapter?.features.has('shader-f16') ?? false,
      gpuBufferBytes: adapter ? Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize) : null,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
    };
  })();
  return probed;
}
