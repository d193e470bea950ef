import { env, LogLevel } from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { StoreCache } from './model-store/store-cache';

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
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no WASM backend in this build.');
  // Mutate the nested object: env.backends.onnx is a shallow copy of ORT's env, its `wasm` is shared.
  wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href, mjs: new URL(ortFactoryUrl, self.location.href).href };
  wasm.proxy = false;
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
