/**
 * The bare runtime page of `npm run bench`: onnxruntime-web imported directly, no app around it. It fetches a model's
 * bytes from the hub, creates an InferenceSession with the options transformers.js uses (execution provider, log
 * level, external data; threads set on `env.wasm`), and runs the greedy loop the Node runtime runs too.
 */
import type * as Ort from 'onnxruntime-web';
import { greedyReply, kvShapeOf, type ReplyTiming } from './greedy-loop.mjs';

export interface BareRunParams {
  /** `{hub}/{repo}/resolve/{commit}` */
  modelBase: string;
  onnxFile: string;
  dataFiles: string[];
  threads: number;
  device: 'wasm' | 'webgpu';
  /** Each reply's prompt token ids, how many tokens to generate, and whether memory is sampled meanwhile. */
  replies: { ids: number[]; newTokens: number; sampled: boolean }[];
}

/** Set by the benchmark script: pauses (false) or resumes (true) its memory sampling, as it does around the app's replies. */
declare global {
  interface Window {
    benchSampling?: (on: boolean) => Promise<void>;
  }
}

export interface BareRunResult {
  build: string;
  fetchMs: number;
  createMs: number;
  loadMs: number;
  replies: ReplyTiming[];
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Puts `window.bareRuntime.run` on the page for the benchmark script, with this page's build of the runtime. */
export function exposeBareRuntime(ort: typeof Ort, build: string, files: { wasm: string; mjs: string }): void {
  ort.env.wasm.wasmPaths = { wasm: new URL(files.wasm, location.href).href, mjs: new URL(files.mjs, location.href).href };
  ort.env.wasm.proxy = false;

  async function run(params: BareRunParams): Promise<BareRunResult> {
    ort.env.wasm.numThreads = params.threads;
    const started = performance.now();
    const [config, model, ...data] = await Promise.all([
      fetch(`${params.modelBase}/config.json`).then((response) => response.json()),
      fetchBytes(`${params.modelBase}/${params.onnxFile}`),
      ...params.dataFiles.map((file) => fetchBytes(`${params.modelBase}/${file}`)),
    ]);
    const fetched = performance.now();
    const externalData = data.map((bytes, i) => ({ path: params.dataFiles[i].split('/').pop()!, data: bytes }));
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [params.device],
      logSeverityLevel: 3,
      ...(externalData.length > 0 ? { externalData } : {}),
    });
    const ready = performance.now();
    const replies: ReplyTiming[] = [];
    for (const reply of params.replies) {
      if (!reply.sampled) await window.benchSampling?.(false);
      try {
        replies.push(await greedyReply(ort, session, kvShapeOf(config), reply.ids, reply.newTokens));
      } catch (error) {
        // Out of memory on a long prompt, say: recorded, and the run goes on.
        replies.push({ promptTokens: reply.ids.length, generatedTokens: 0, ttftMs: NaN, tokensPerSecond: NaN, error: String(error) });
      } finally {
        if (!reply.sampled) await window.benchSampling?.(true);
      }
    }
    await session.release();
    return {
      build,
      fetchMs: Math.round(fetched - started),
      createMs: Math.round(ready - fetched),
      loadMs: Math.round(ready - started),
      replies,
    };
  }

  Object.assign(window, { bareRuntime: { build, run } });
}
