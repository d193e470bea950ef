import { AutoModelForCausalLM, AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { dtypeOrder, wasmThreadCount, type BackendCandidate, type Capabilities } from './device';
import { externalDataFormat } from './dtypes';
import { describeLoadFailure } from './load-errors';
import { parseGenerationDefaults } from './generation-config';
import type { ModelSource } from './model-source';
import type { Manifest } from './model-store/model-store';
import type { StoreCache } from './model-store/store-cache';
import { neutralSoftcap } from './model-store/attention-softcap';
import { EngineError, type Device, type DownloadedModel, type DtypeOffer, type LoadedModel, type LoadParams, type LoadProgress } from '../shared/protocol';
import { chooseChatTemplate, hasThinkingSwitch, noChatTemplate } from './chat-template';
import { configureRuntime, needsFreshRuntime, runtimeStarting, startRuntime } from './runtime-env';
import { runtimeThreadStuck, THREAD_START_MS } from './runtime-threads';
import { timed } from './load-timing';
import { lowerLimit } from './context-window';
import { messageOf } from './error-text';
import { yieldBetweenSteps } from './yield-between-steps';
import { sessionStartQuietMs, type QuietAnnouncer } from './liveness';
import { judgeMemory, modelDimensions, type ModelDimensions } from './memory-budget';
import { planLoad } from './load-plan';
import { tryChatTemplate } from './template-trial';

export type CausalLM = Awaited<ReturnType<typeof AutoModelForCausalLM.from_pretrained>>;

/** A loaded chat model: what generating with it needs. */
export interface ChatSession {
  model: CausalLM;
  tokenizer: PreTrainedTokenizer;
  info: LoadedModel;
  weightBytes: number;
  dimensions: ModelDimensions | null;
}

type OnLoadProgress = (progress: LoadProgress) => void;

function cancelled(): EngineError {
  return new EngineError('cancelled', 'Cancelled.');
}

/**
 * Gets a chat model ready: stores its files (downloading what is missing), then starts it on the first device and dtype
 * that fits and runs. Downloading alone (`download`) touches no runtime, so it can run while another model answers.
 */
export class ModelLoader {
  constructor(
    private readonly source: ModelSource,
    private readonly cache: StoreCache,
    /** Told of the steps that block this thread for long, so the page does not take the silence for a hang. */
    private readonly quiet: QuietAnnouncer,
  ) {}

  /** Loads `params`' model; `release` frees the model loaded before, once this load is sure to need the runtime. */
  async load(params: LoadParams, onProgress: OnLoadProgress, signal: AbortSignal, release: () => Promise<void>): Promise<ChatSession> {
    const started = performance.now();
    const { manifest, layout, candidates, capabilities } = await planLoad(this.source, params, signal);
    if (needsFreshRuntime(candidates[0].device)) {
      // The page's engine client answers this by loading in a fresh worker.
      throw new EngineError('runtime-switch', 'This model runs best on another onnxruntime build than the one this worker started.');
    }
    const threads = wasmThreadCount(capabilities);
    configureRuntime({ hubUrl: params.hubUrl, threads, cache: this.cache });
    await release();

    // Every file is read at the commit the manifest was pinned to, so a model is never mixed from two revisions.
    const revision = manifest.commit;
    const downloadOptions = this.downloadOptions(params, onProgress, signal);
    // The tokenizer and template come first: a model that cannot chat is refused before gigabytes of weights.
    await timed('shared files', () => this.source.fetchShared(manifest, downloadOptions));
    const tokenizer = await timed('tokenizer', () => this.loadTokenizer(manifest, signal));
    const generationDefaults = parseGenerationDefaults(await this.source.readJson(manifest, 'generation_config.json'));
    const dimensions = modelDimensions(await this.source.readJson(manifest, 'config.json'));
    const fallbacks: string[] = [];
    const tooBig: string[] = [];
    let webgpuFailed = false;
    for (const candidate of candidates) {
      if (candidate.device === 'webgpu' && webgpuFailed) continue;
      const offer = layout.offers.find((entry) => entry.dtype === candidate.dtype)!;
      // Judged before a byte of weights is downloaded.
      const memory = judgeMemory(offer, layout.offers, dimensions, deviceLimits(candidate.device, params, capabilities));
      if (!memory.fits) {
        tooBig.push(memory.message);
        fallbacks.push(`${label(candidate)}: ${memory.message}`);
        continue;
      }
      try {
        await timed('weights', () => this.source.fetchModel(manifest, offer, downloadOptions));
      } catch (error) {
        if (!(error instanceof EngineError && error.code === 'file-not-found')) throw error;
        fallbacks.push(`${label(candidate)}: ${error.message}`);
        continue;
      }
      onProgress(startingProgress(offer));
      const firstStart = runtimeStarting();
      const allowanceMs = sessionStartQuietMs(offer.bytes, firstStart);
      this.quiet.expectQuiet(allowanceMs, firstStart);
      try {
        const start = async () => {
          const started = await timed('session', () => this.startModel(manifest, candidate, offer, layout.modelFileName, signal));
          yieldBetweenSteps(started);
          await timed('warm-up', () => this.warmUp(started, tokenizer, signal));
          return started;
        };
        const model = await withinAllowance(start(), allowanceMs);
        this.quiet.endQuiet();
        await this.source.markUsed(manifest, offer);
        const info: LoadedModel = {
          repo: params.repo,
          revision,
          device: candidate.device,
          dtype: candidate.dtype,
          threads: candidate.device === 'wasm' ? threads : 1,
          fallbacks,
          generationDefaults,
          contextLength: lowerLimit(contextLengthOf(model, tokenizer), memory.contextLimit),
          thinkingSwitch: hasThinkingSwitch(tokenizer.chat_template),
          loadMs: Math.round(performance.now() - started),
        };
        return { model, tokenizer, info, weightBytes: offer.bytes, dimensions };
      } catch (error) {
        this.quiet.endQuiet();
        if (signal.aborted) throw cancelled();
        // The runtime may still be stuck: no other candidate is tried in this worker (the page's client retries once).
        if (error instanceof EngineError && error.code === 'runtime-stuck') throw error;
        const failure = describeLoadFailure(error, candidate, params);
        if (failure.fatal) throw failure.error;
        fallbacks.push(`${label(candidate)}: ${failure.error.message}`);
        if (candidate.device === 'webgpu' && failure.deviceBroken) webgpuFailed = true;
      }
    }
    if (tooBig.length > 0 && tooBig.length === fallbacks.length) throw new EngineError('model-too-big', tooBig[0]);
    throw new EngineError(
      'model-load-failed',
      `“${params.repo}” could not be loaded on any backend. ${fallbacks.join(' ')}`,
    );
  }

  /**
   * See `Calls['download']`: stores the files the load of `params` would use first (its first candidate whose weights
   * fit), without touching the runtime.
   */
  async download(params: LoadParams, onProgress: OnLoadProgress, signal: AbortSignal): Promise<DownloadedModel> {
    const { manifest, layout, candidates, capabilities } = await planLoad(this.source, params, signal);
    const downloadOptions = this.downloadOptions(params, onProgress, signal);
    await this.source.fetchShared(manifest, downloadOptions);
    const dimensions = modelDimensions(await this.source.readJson(manifest, 'config.json'));
    for (const candidate of candidates) {
      const offer = layout.offers.find((entry) => entry.dtype === candidate.dtype)!;
      const memory = judgeMemory(offer, layout.offers, dimensions, deviceLimits(candidate.device, params, capabilities));
      if (!memory.fits) continue;
      await this.source.fetchModel(manifest, offer, downloadOptions);
      return { repo: params.repo, dtype: offer.dtype, bytes: offer.bytes };
    }
    // What the load would say: the first candidate's verdict names the dtype that would fit.
    const first = layout.offers.find((entry) => entry.dtype === candidates[0].dtype)!;
    const verdict = judgeMemory(first, layout.offers, dimensions, deviceLimits(candidates[0].device, params, capabilities));
    throw new EngineError('model-too-big', verdict.fits ? `“${params.repo}” does not fit this device.` : verdict.message);
  }

  private downloadOptions(params: LoadParams, onProgress: OnLoadProgress, signal: AbortSignal) {
    return { chunkBytes: params.chunkBytes, stallSeconds: params.stallSeconds, signal, onProgress };
  }

  /** The model's tokenizer with its chat template, from wherever the repository keeps it. */
  private async loadTokenizer(manifest: Manifest, signal: AbortSignal): Promise<PreTrainedTokenizer> {
    const tokenizer = await guard(signal, () =>
      AutoTokenizer.from_pretrained(manifest.repo, { revision: manifest.commit, progress_callback: readWholeFiles }),
    ).catch(async (error: unknown) => {
      if (error instanceof EngineError) throw error; // a cancellation: what arrived is kept for the next try
      await this.source.discardShared(manifest);
      throw new EngineError('model-load-failed', `The tokenizer of “${manifest.repo}” could not be read: ${messageOf(error)}`, {
        cause: error,
      });
    });
    tokenizer.chat_template = chooseChatTemplate(
      tokenizer.chat_template,
      await this.source.readText(manifest, 'chat_template.jinja'),
      await this.source.readJson(manifest, 'chat_template.json'),
    );
    if (!tokenizer.chat_template) {
      await this.source.discardShared(manifest);
      throw noChatTemplate(manifest.repo);
    }
    await timed('template trial', () => tryChatTemplate(manifest.repo, tokenizer.chat_template, specialTokensOf(tokenizer))).catch(async (error: unknown) => {
      await this.source.discardShared(manifest);
      throw error;
    });
    return tokenizer;
  }

  /**
   * The model's session on the candidate's device, read from the stored files of the manifest's commit. A graph with
   * its weights inside is handed over with them split out into a data file: onnxruntime then never holds a copy of
   * the whole graph in its heap (see graph-rewrite.ts). On WASM, GroupQueryAttention nodes get a softcap that keeps
   * them off a path that is slow there (see attention-softcap.ts).
   */
  private async startModel(
    manifest: Manifest,
    candidate: BackendCandidate,
    offer: DtypeOffer,
    modelFileName: string,
    signal: AbortSignal,
  ): Promise<CausalLM> {
    startRuntime(candidate.device);
    const { weightsMoved } = await timed('graph rewrite', () =>
      this.cache.rewriteGraph(offer.files[0], {
        moveWeights: offer.files.length === 1,
        // onnxruntime's CPU kernel is the one with the slow path
        rewriteNode: candidate.device === 'wasm' ? neutralSoftcap : undefined,
      }),
    );
    return guard(signal, () =>
      AutoModelForCausalLM.from_pretrained(manifest.repo, {
        revision: manifest.commit,
        device: candidate.device,
        dtype: candidate.dtype,
        use_external_data_format: externalDataFormat(offer, { weightsSplit: weightsMoved }),
        ...(modelFileName === 'model' ? {} : { model_file_name: modelFileName }),
        progress_callback: readWholeFiles,
      }),
    );
  }

  /** One token through the graph compiles WebGPU shaders and warms WASM, so the first real reply is not slowed. */
  private async warmUp(model: CausalLM, tokenizer: PreTrainedTokenizer, signal: AbortSignal): Promise<void> {
    const inputs = tokenizer('a');
    await guard(signal, () => model.generate({ ...inputs, max_new_tokens: 1, do_sample: false }));
  }
}

/** What a model on `device` must fit (the WASM heap the deployment allows, the GPU's largest buffer), and what runs. */
function deviceLimits(device: Device, params: LoadParams, capabilities: Capabilities) {
  return {
    device,
    heapBytes: params.memoryLimitBytes,
    gpuBufferBytes: capabilities.gpuBufferBytes,
    runnable: dtypeOrder(device, capabilities),
  };
}

/** Runs a transformers.js step and turns an abort of its downloads into our cancellation error. */
async function guard<T>(signal: AbortSignal, step: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw cancelled();
  try {
    return await step();
  } catch (error) {
    if (signal.aborted) throw cancelled();
    throw error;
  }
}

/**
 * With a progress callback transformers.js reads each file into one buffer of its final size (without one it collects
 * the stream and copies it): half the peak memory for a multi-GB file.
 */
const readWholeFiles = () => {};

/** The special tokens transformers.js gives a chat template as variables (`bos_token`, `eos_token`, …). */
function specialTokensOf(tokenizer: PreTrainedTokenizer): Record<string, string> {
  const tokens = tokenizer as unknown as Record<string, unknown>;
  return Object.fromEntries(
    ['bos_token', 'eos_token', 'unk_token', 'pad_token'].flatMap((key) => (typeof tokens[key] === 'string' ? [[key, tokens[key]]] : [])),
  );
}

function label(candidate: BackendCandidate): string {
  return `${candidate.device === 'webgpu' ? 'WebGPU' : 'WASM'}/${candidate.dtype}`;
}

/** Every file is stored; what remains is reading them into the runtime. */
function startingProgress(offer: DtypeOffer): LoadProgress {
  return {
    phase: 'starting',
    files: [],
    loaded: offer.bytes,
    total: offer.bytes,
    bytesPerSecond: 0,
    secondsLeft: null,
    note: `Starting the model (${offer.dtype}) from storage…`,
  };
}

function contextLengthOf(model: CausalLM, tokenizer: PreTrainedTokenizer): number | null {
  const fromConfig = (model.config as { max_position_embeddings?: unknown }).max_position_embeddings;
  if (typeof fromConfig === 'number' && fromConfig > 0) return fromConfig;
  const fromTokenizer = tokenizer.model_max_length as unknown;
  // Tokenizers without a limit report a huge sentinel (1e30).
  return typeof fromTokenizer === 'number' && fromTokenizer > 0 && fromTokenizer < 1e7 ? fromTokenizer : null;
}

const STUCK_CHECK_MS = 1000;
const STUCK_ADVICE = 'Reload the page and load the model again; if it keeps happening, try smaller weights or another browser.';

/**
 * `run`, or a `runtime-stuck` error once `allowanceMs` has passed with the worker free but the runtime not done, or as
 * soon as one of the runtime's threads never started (see runtime-threads.ts). Seen in Firefox ESR, now and then:
 * onnxruntime's start waited for ever while the worker kept its heartbeat, so the page's watchdog never fired. The
 * page then sends the load to a fresh worker; the person sees this message only if that one gets stuck too.
 */
function withinAllowance<T>(run: Promise<T>, allowanceMs: number): Promise<T> {
  const started = performance.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const threadStuck = runtimeThreadStuck();
      if (!threadStuck && performance.now() - started < allowanceMs) return;
      const what = threadStuck
        ? `One of the runtime's threads did not start within ${THREAD_START_MS / 1000} s`
        : `The runtime did not finish starting the model within ${Math.round(allowanceMs / 1000)} s`;
      reject(new EngineError('runtime-stuck', `${what}, also after the engine was restarted. ${STUCK_ADVICE}`));
    }, STUCK_CHECK_MS);
  });
  return Promise.race([run, stuck]).finally(() => clearInterval(timer));
}
