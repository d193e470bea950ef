/// <reference types="vite/client" />
/** The build the WebGPU-capable bundle loads: the `onnxruntime-web/webgpu` frontend and its `ort-wasm-simd-threaded.asyncify.*`. */
import * as ort from 'onnxruntime-web/webgpu';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { exposeBareRuntime } from './bare-runtime';

exposeBareRuntime(ort, 'asyncify', { wasm, mjs });
