import { env, LogLevel } from '@huggingface/transformers';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { StoreCache } from './model-store/store-cache';
import type { Device } from '../shared/protocol';

/**
 * onnxruntime-web's WebAssembly builds. WebGPU needs the asyncify build (what transformers.js' `onnxruntime-web/webgpu`
 * loads by default); on the CPU the plain build decodes about a third faster, starts sooner and is half the size.
 * The webgpu frontend runs WASM sessions on the plain build unchanged, given its files through `wasmPaths`.
 */
type RuntimeBuild = 'plain' | 'asyncify';

const BUILD_FILES: Record<RuntimeBuild, { wasm: string; mjs: string }> = {
  plain: { wasm: plainWasmUrl, mjs: plainFactoryUrl },
  asyncify: { wasm: asyncifyWasmUrl, mjs: asyncifyFactoryUrl },
};

function buildFor(device: Device): RuntimeBuild {
  return device === 'webgpu' ? 'asyncify' : 'plain';
}

/** onnxruntime-web compiles one build per worker, with the first session, and keeps it for the worker's life. */
let startedBuild: RuntimeBuild | null = null;
let configured = false;

/**
 * Points transformers.js at our own origin for the onnxruntime-web files (its default is a public CDN) and at the
 * model store for model files. It never downloads anything itself: the download manager owns the network, and a file
 * that is not in the store is, for transformers.js, not found.
 */
function configureOnce(cache: StoreCache): void {
  if (configured) return;
  configured = true;
  env.allowLocalModels = false;
  env.logLevel = LogLevel.ERROR;
  // The files are served by our origin and compiled by the browser directly; no copy in the Cache API.
  env.useWasmCache = false;
  if (!env.backends.onnx.wasm) throw new Error('onnxruntime-web has no WASM backend in this build.');
  env.backends.onnx.wasm.proxy = false;
  env.useBrowserCache = false;
  env.useCustomCache = true;
  env.customCache = cache;
  env.fetch = async () => new Response(null, { status: 404, statusText: 'Not in the model store' });
}

export interface RuntimeOptions {
  hubUrl: string;
  threads: number;
  cache: StoreCache;
}

export function configureRuntime({ hubUrl, threads, cache }: RuntimeOptions): void {
  configureOnce(cache);
  env.remoteHost = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
  env.backends.onnx.wasm!.numThreads = threads;
}

/** Whether this worker already runs a build other than the one `device` is best served by: a fresh worker would. */
/** Whether this worker has not started onnxruntime yet: its first session also compiles the runtime's WebAssembly. */
export function runtimeStarting(): boolean {
  return startedBuild === null;
}

export function needsFreshRuntime(device: Device): boolean {
  return startedBuild !== null && startedBuild !== buildFor(device);
}

/**
 * Picks the build for a session on `device` before its first session starts it; afterwards the started build stays
 * (the asyncify build also runs WASM sessions, so a fallback from WebGPU to WASM within one load still works).
 */
export function startRuntime(device: Device): void {
  if (startedBuild === null) {
    startedBuild = buildFor(device);
    const files = BUILD_FILES[startedBuild];
    // Mutate the nested object: env.backends.onnx is a shallow copy of ORT's env, its `wasm` is shared.
    env.backends.onnx.wasm!.wasmPaths = {
      wasm: new URL(files.wasm, self.location.href).href,
      mjs: new URL(files.mjs, self.location.href).href,
    };
  }
}

let watchingGpu = false;

/**
 * Calls `onLost` if the GPU device onnxruntime's WebGPU sessions run on is lost. Call once a WebGPU session exists
 * (the device is then onnxruntime's own); the device is the same for the worker's life, so it is watched once.
 */
export async function watchGpuDevice(onLost: (message: string) => void): Promise<void> {
  if (watchingGpu || !env.backends.onnx.webgpu) return;
  watchingGpu = true;
  // Typed here: the worker's TypeScript libs have no WebGPU types.
  const device = (await env.backends.onnx.webgpu.device) as { lost: Promise<{ reason: string; message: string }> };
  const info = await device.lost;
  onLost(info.message || `the device was ${info.reason}`);
}
