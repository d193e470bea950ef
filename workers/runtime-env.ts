import { env, LogLevel } from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

let configured = false;
let currentSignal: AbortSignal | undefined;

/**
 * Points transformers.js at our own origin for the onnxruntime-web files (its default is a public CDN) and routes
 * its downloads through a fetch that honours the current load's AbortSignal, so a load can be cancelled.
 */
function configureOnce(): void {
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
  const plainFetch = globalThis.fetch.bind(globalThis);
  env.fetch = (input: string | URL, init?: RequestInit) => plainFetch(input, { ...init, signal: currentSignal });
}

export interface RuntimeOptions {
  hubUrl: string;
  threads: number;
  signal: AbortSignal;
}

export function configureRuntime({ hubUrl, threads, signal }: RuntimeOptions): void {
  configureOnce();
  env.remoteHost = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
  env.backends.onnx.wasm!.numThreads = threads;
  currentSignal = signal;
}
