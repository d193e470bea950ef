/// <reference types="vite/client" />
/** The plain WASM build: the `onnxruntime-web/wasm` frontend and `ort-wasm-simd-threaded.{mjs,wasm}`. */
import * as ort from 'onnxruntime-web/wasm';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { exposeBareRuntime } from './bare-runtime';

exposeBareRuntime(ort, 'wasm', { wasm, mjs });
