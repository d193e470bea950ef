import {
  AutoModelForCausalLM,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  Tensor,
  type DynamicCache,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { wasmThreadCount, type BackendCandidate } from './device';
import { externalDataFormat, findWeightLayout } from './dtypes';
import { describeLoadFailure } from './load-errors';
import { parseGenerationDefaults, toGenerateOptions } from './generation-config';
import { listRepoFiles } from './hub';
import type { ModelSource } from './model-source';
import type { Manifest } from './model-store/model-store';
import type { StoreCache } from './model-store/store-cache';
import {
  EngineError,
  type DownloadedModel,
  type DtypeOffer,
  type ChoosePassagesParams,
  type ChosenPassages,
  type GenerateParams,
  type GenerationResult,
  type LoadedModel,
  type LoadParams,
  type LoadProgress,
  type PassagesProgress,
  type RepoInspection,
  type RepoRef,
  type PromptRead,
  type StopReason,
  type TokenDelta,
} from './protocol';
import { chooseChatTemplate, hasThinkingSwitch, noChatTemplate } from './chat-template';
import { configureRuntime, needsFreshRuntime, startRuntime } from './runtime-env';
import { timed } from './load-timing';
import { choosePassages, type RankByMeaning } from './documents/choose-passages';
import { Embedder } from './documents/embedder';
import { rankByVectors } from './documents/passages';
import { prepareHistory } from './reasoning-history';
import { buildPrompt, encodeChat, templateOptionsFor } from './prompt-builder';
import { TurnCache } from './turn-cache';
import { DeltaStreamer } from './token-streamer';
import { yieldBetweenSteps } from './yield-between-steps';
import { prefillQuietMs, sessionStartQuietMs, type QuietAnnouncer } from './liveness';
import { judgeMemory, modelDimensions, promptStepTokens, type ModelDimensions } from './memory-budget';
import { planLoad } from './load-plan';
import { readPromptInSteps, type ReadSoFar } from './prompt-steps';

type CausalLM = Awaited<ReturnType<typeof AutoModelForCausalLM.from_pretrained>>;

interface Session {
  model: CausalLM;
  tokenizer: PreTrainedTokenizer;
  info: LoadedModel;
  weightBytes: number;
  dimensions: ModelDimensions | null;
}

function cancelled(): EngineError {
  return new EngineError('cancelled', 'Cancelled.');
}

/** Loads one chat model at a time and generates with it. Runs inside the worker; knows nothing of the page. */
export class ChatEngine {
  private session: Session | null = null;
  private busy: 'loading' | 'generating' | null = null;
  /** Settles when the reply being written ends, however it ends. */
  private generation: Promise<void> | null = null;
  private readonly turnCache = new TurnCache();

  constructor(
    private readonly source: ModelSource,
    private readonly cache: StoreCache,
    /** Told of the steps that block this thread for long, so the page does not take the silence for a hang. */
    private readonly quiet: QuietAnnouncer,
  ) {
    this.embedder = new Embedder(source);
  }

  /** Ranks the passages of attached files by meaning; its model loads when passages are first needed. */
  private readonly embedder: Embedder;

  async inspect(ref: RepoRef, signal: AbortSignal): Promise<RepoInspection> {
    const stored = await this.source.storedManifest(ref);
    const listing = stored ?? (await listRepoFiles(ref, signal));
    const layout = findWeightLayout(listing.files);
    return { repo: ref.repo, commit: listing.commit, offers: layout?.offers ?? [] };
  }

  async load(params: LoadParams, onProgress: (progress: LoadProgress) => void, signal: AbortSignal): Promise<LoadedModel> {
    // The page stops a reply before it loads another model; let that reply wind down instead of refusing the load.
    await this.generation;
    this.claim('loading');
    try {
      return await this.loadUnclaimed(params, onProgress, signal);
    } finally {
      this.busy = null;
    }
  }

  private async loadUnclaimed(
    params: LoadParams,
    onProgress: (progress: LoadProgress) => void,
    signal: AbortSignal,
  ): Promise<LoadedModel> {
    const started = performance.now();
    const { manifest, layout, candidates, capabilities } = await planLoad(this.source, params, signal);
    if (needsFreshRuntime(candidates[0].device)) {
      // The page's engine client answers this by loading in a fresh worker.
      throw new EngineError('runtime-switch', 'This model runs best on another onnxruntime build than the one this worker started.');
    }
    const threads = wasmThreadCount(capabilities);
    configureRuntime({ hubUrl: params.hubUrl, threads, cache: this.cache });
    await this.unload();

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
      const memory = judgeMemory(offer, layout.offers, dimensions, { device: candidate.device, heapBytes: params.memoryLimitBytes });
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
      const allowanceMs = sessionStartQuietMs(offer.bytes);
      this.quiet.expectQuiet(allowanceMs);
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
          contextLength: lowest(contextLengthOf(model, tokenizer), memory.contextLimit),
          thinkingSwitch: hasThinkingSwitch(tokenizer.chat_template),
          loadMs: Math.round(performance.now() - started),
        };
        this.session = { model, tokenizer, info, weightBytes: offer.bytes, dimensions };
        return info;
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
   * fit), without touching the loaded model, which keeps answering meanwhile.
   */
  async download(params: LoadParams, onProgress: (progress: LoadProgress) => void, signal: AbortSignal): Promise<DownloadedModel> {
    const { manifest, layout, candidates } = await planLoad(this.source, params, signal);
    const downloadOptions = this.downloadOptions(params, onProgress, signal);
    await this.source.fetchShared(manifest, downloadOptions);
    const dimensions = modelDimensions(await this.source.readJson(manifest, 'config.json'));
    for (const candidate of candidates) {
      const offer = layout.offers.find((entry) => entry.dtype === candidate.dtype)!;
      const memory = judgeMemory(offer, layout.offers, dimensions, { device: candidate.device, heapBytes: params.memoryLimitBytes });
      if (!memory.fits) continue;
      await this.source.fetchModel(manifest, offer, downloadOptions);
      return { repo: params.repo, dtype: offer.dtype, bytes: offer.bytes };
    }
    // What the load would say: the first candidate's verdict names the dtype that would fit.
    const first = layout.offers.find((entry) => entry.dtype === candidates[0].dtype)!;
    const verdict = judgeMemory(first, layout.offers, dimensions, { device: candidates[0].device, heapBytes: params.memoryLimitBytes });
    throw new EngineError('model-too-big', verdict.fits ? `“${params.repo}” does not fit this device.` : verdict.message);
  }

  private downloadOptions(params: LoadParams, onProgress: (progress: LoadProgress) => void, signal: AbortSignal) {
    return { chunkBytes: params.chunkBytes, stallSeconds: params.stallSeconds, signal, onProgress };
  }

  /**
   * See `Calls['choosePassages']`: measured with the loaded model's tokenizer and chat template, ranked by keywords and
   * by the embedding model's vectors (its download reported as progress).
   */
  async choosePassages(params: ChoosePassagesParams, onProgress: (progress: PassagesProgress) => void, signal: AbortSignal): Promise<ChosenPassages> {
    if (!this.session) throw new EngineError('not-loaded', 'No model is loaded. Load a model first.');
    const { tokenizer, info } = this.session;
    const templateOptions = templateOptionsFor(info, params.thinking);
    const { embedding } = params;
    const rankByMeaning: RankByMeaning | undefined = embedding
      ? async (chunks, question) => {
          const [asked, ...passages] = await this.embedder.embed(embedding, [question, ...chunks.map((chunk) => chunk.text)], {
            signal,
            onDownload: (load) => onProgress({ stage: 'download', load }),
            onEmbedded: (done) => onProgress({ stage: 'embedding', done: Math.max(0, done - 1), total: chunks.length }),
          });
          return rankByVectors(asked, passages);
        }
      : undefined;
    return choosePassages(
      params,
      {
        context: lowest(info.contextLength, params.contextLimit),
        promptTokens: (messages) => encodeChat(tokenizer, prepareHistory(messages, tokenizer.chat_template), templateOptions).length,
        textTokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
      },
      rankByMeaning,
    );
  }

  async generate(params: GenerateParams, onProgress: (progress: PromptRead | TokenDelta) => void, signal: AbortSignal): Promise<GenerationResult> {
    if (!this.session) throw new EngineError('not-loaded', 'No model is loaded. Load a model first.');
    this.claim('generating');
    const run = this.generateUnclaimed(this.session, params, onProgress, signal);
    this.generation = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      this.busy = null;
      this.generation = null;
    }
  }

  private async generateUnclaimed(
    { model, tokenizer, info, weightBytes, dimensions }: Session,
    params: GenerateParams,
    onProgress: (progress: PromptRead | TokenDelta) => void,
    signal: AbortSignal,
  ): Promise<GenerationResult> {
    const started = performance.now();
    const prompt = buildPrompt(tokenizer, info, {
      messages: params.messages,
      thinking: params.thinking,
      continueReply: params.continueReply,
      maxNewTokens: params.settings.maxNewTokens,
      context: lowest(info.contextLength, params.contextLimit),
    });
    const { continuedIds, lead } = prompt;
    const cacheKey = JSON.stringify(params.settings);
    let reused: ReadSoFar | null = null;
    if (params.reuseCache) reused = await this.turnCache.take(cacheKey, prompt.ids);
    else await this.turnCache.clear();
    const inputIds = new Tensor('int64', BigInt64Array.from(prompt.ids, BigInt), [1, prompt.ids.length]);
    const attentionMask = new Tensor('int64', new BigInt64Array(prompt.ids.length).fill(1n), [1, prompt.ids.length]);

    const stopping = new InterruptableStoppingCriteria();
    const interrupt = () => stopping.interrupt();
    signal.addEventListener('abort', interrupt);
    // A Stop that came while the turn cache was taken or cleared came before the listener: it still counts.
    if (signal.aborted) interrupt();
    // Reading the prompt is forward passes of up to a step each that block this thread; the first token ends them.
    const stepTokens = promptStepTokens(dimensions, prompt.ids.length);
    this.quiet.expectQuiet(prefillQuietMs(Math.min(prompt.ids.length - (reused?.length ?? 0), stepTokens), weightBytes));
    const streamer = new DeltaStreamer(tokenizer, (text, generatedTokens) => onProgress({ type: 'text', text, generatedTokens }), {
      lead,
      context: continuedIds.slice(-8),
      onFirstToken: () => this.quiet.endQuiet(),
    });
    // The newest cache of this prompt: the reused one, then each step's.
    let read = reused;
    try {
      const total = prompt.ids.length;
      read = await readPromptInSteps(model, prompt.ids, reused, stepTokens, {
        signal,
        onStart: () => onProgress({ type: 'prompt', read: reused?.length ?? 0, total }),
        onStep: (step) => {
          read = step;
          onProgress({ type: 'prompt', read: step.length, total });
        },
      });
      if (signal.aborted) {
        // Stopped while reading the prompt: no reply is started, and what was read is kept for the next try.
        await this.keepOrFree(read?.cache, cacheKey, prompt.ids, params.reuseCache);
      } else {
        const output = (await model.generate({
          input_ids: inputIds,
          attention_mask: attentionMask,
          ...toGenerateOptions(params.settings),
          max_new_tokens: prompt.maxNewTokens,
          streamer,
          stopping_criteria: stopping,
          ...(read ? { past_key_values: read.cache } : {}),
          // A cache handed in is kept alive by generate(), so it is asked back to be kept or freed here.
          return_dict_in_generate: params.reuseCache || read !== null,
        })) as Tensor | { sequences: Tensor; past_key_values: DynamicCache };
        if ('past_key_values' in output) {
          const sequence = (output.sequences.tolist() as bigint[][])[0].map(Number);
          await this.keepOrFree(output.past_key_values, cacheKey, sequence, params.reuseCache);
        }
      }
    } catch (error) {
      // A cache that was being extended when generation failed is in an unknown state.
      if (read) await read.cache.dispose();
      throw new EngineError('generation-failed', `Generation failed: ${messageOf(error)}`, { cause: error });
    } finally {
      this.quiet.endQuiet();
      signal.removeEventListener('abort', interrupt);
    }

    const finished = performance.now();
    const generatedTokens = streamer.generatedIds.length;
    const firstTokenAt = streamer.firstTokenAt ?? finished;
    const decodeSeconds = (finished - firstTokenAt) / 1000;
    return {
      text: streamer.text,
      droppedMessages: prompt.dropped,
      stats: {
        promptTokens: prompt.ids.length,
        generatedTokens,
        ttftMs: Math.round(firstTokenAt - started),
        tokensPerSecond: generatedTokens > 1 && decodeSeconds > 0 ? (generatedTokens - 1) / decodeSeconds : 0,
        totalMs: Math.round(finished - started),
        stopReason: stopReasonOf(signal.aborted, streamer.generatedIds.at(-1), eosIds(model, tokenizer)),
        cachedTokens: reused?.length ?? 0,
      },
    };
  }

  /** Keeps a turn's cache (of a prefix of `ids`) for the next turn, or frees it when reuse is off. */
  private async keepOrFree(cache: DynamicCache | undefined, key: string, ids: readonly number[], reuse: boolean): Promise<void> {
    if (!cache) return;
    if (reuse) this.turnCache.keep(key, ids, cache);
    else await cache.dispose();
  }

  /** The model's tokenizer with its chat template, from wherever the repository keeps it. */
  private async loadTokenizer(manifest: Manifest, signal: AbortSignal): Promise<PreTrainedTokenizer> {
    const tokenizer = await this.guard(signal, () =>
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
    return tokenizer;
  }

  async unload(): Promise<void> {
    const session = this.session;
    this.session = null;
    await this.turnCache.clear();
    await session?.model.dispose();
  }

  private claim(task: 'loading' | 'generating'): void {
    if (this.busy) {
      throw new EngineError(
        'busy',
        this.busy === 'loading' ? 'A model is still loading. Wait for it or cancel it.' : 'A reply is still being written. Stop it first.',
      );
    }
    this.busy = task;
  }

  /** Runs a transformers.js step and turns an abort of its downloads into our cancellation error. */
  private async guard<T>(signal: AbortSignal, step: () => Promise<T>): Promise<T> {
    if (signal.aborted) throw cancelled();
    try {
      return await step();
    } catch (error) {
      if (signal.aborted) throw cancelled();
      throw error;
    }
  }

  /** The model's session on the candidate's device, read from the stored files of the manifest's commit. */
  private startModel(
    manifest: Manifest,
    candidate: BackendCandidate,
    offer: DtypeOffer,
    modelFileName: string,
    signal: AbortSignal,
  ): Promise<CausalLM> {
    startRuntime(candidate.device);
    return this.guard(signal, () =>
      AutoModelForCausalLM.from_pretrained(manifest.repo, {
        revision: manifest.commit,
        device: candidate.device,
        dtype: candidate.dtype,
        use_external_data_format: externalDataFormat(offer),
        ...(modelFileName === 'model' ? {} : { model_file_name: modelFileName }),
        progress_callback: readWholeFiles,
      }),
    );
  }

  /** One token through the graph compiles WebGPU shaders and warms WASM, so the first real reply is not slowed. */
  private async warmUp(model: CausalLM, tokenizer: PreTrainedTokenizer, signal: AbortSignal): Promise<void> {
    const inputs = tokenizer('a');
    await this.guard(signal, () => model.generate({ ...inputs, max_new_tokens: 1, do_sample: false }));
  }
}

/**
 * With a progress callback transformers.js reads each file into one buffer of its final size (without one it collects
 * the stream and copies it): half the peak memory for a multi-GB file.
 */
const readWholeFiles = () => {};

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

/** The lower of two limits, either of which may be unknown or unset. */
function lowest(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  return b === null || b === undefined ? a : Math.min(a, b);
}

function contextLengthOf(model: CausalLM, tokenizer: PreTrainedTokenizer): number | null {
  const fromConfig = (model.config as { max_position_embeddings?: unknown }).max_position_embeddings;
  if (typeof fromConfig === 'number' && fromConfig > 0) return fromConfig;
  const fromTokenizer = tokenizer.model_max_length as unknown;
  // Tokenizers without a limit report a huge sentinel (1e30).
  return typeof fromTokenizer === 'number' && fromTokenizer > 0 && fromTokenizer < 1e7 ? fromTokenizer : null;
}

/**
 * `run`, or a `runtime-stuck` error once `allowanceMs` has passed with the worker free but the runtime not done. Seen in
 * Firefox ESR, now and then: onnxruntime's start waited for ever while the worker kept its heartbeat, so the page's
 * watchdog never fired. The person sees this message only if a fresh worker gets stuck too.
 */
function withinAllowance<T>(run: Promise<T>, allowanceMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EngineError(
            'runtime-stuck',
            `The runtime did not finish starting the model within ${Math.round(allowanceMs / 1000)} s, also after the engine was restarted. ` +
              'Reload the page and load the model again; if it keeps happening, try smaller weights or another browser.',
          ),
        ),
      allowanceMs,
    );
  });
  return Promise.race([run, stuck]).finally(() => clearTimeout(timer));
}

function eosIds(model: CausalLM, tokenizer: PreTrainedTokenizer): number[] {
  const fromConfig = (model.generation_config as { eos_token_id?: unknown } | null)?.eos_token_id;
  const ids = Array.isArray(fromConfig) ? fromConfig : [fromConfig];
  return [...ids, tokenizer.eos_token_id].filter((id): id is number => typeof id === 'number');
}

function stopReasonOf(interrupted: boolean, lastToken: number | undefined, eos: number[]): StopReason {
  if (interrupted) return 'user';
  return lastToken !== undefined && eos.includes(lastToken) ? 'eos' : 'length';
}

export function messageOf(error: unknown): string {
  // DOMExceptions from IndexedDB may carry only a name (QuotaExceededError, UnknownError).
  if (error instanceof Error || error instanceof DOMException) return error.message || error.name;
  return String(error);
}
