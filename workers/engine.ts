import { listRepoFiles } from './hub';
import { findWeightLayout } from './dtypes';
import type { ModelSource } from './model-source';
import type { StoreCache } from './model-store/store-cache';
import {
  EngineError,
  type DownloadedModel,
  type Calls,
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
} from '../shared/protocol';
import { choosePassages, type ByMeaning } from './documents/choose-passages';
import { Embedder } from './documents/embedder';
import { fingerprint } from '../shared/fingerprint';
import type { PassageVectors } from './documents/passage-vectors';
import { rankByVectors } from './documents/passages';
import { prepareHistory } from './reasoning-history';
import { encodeChat, templateOptionsFor } from './prompt-builder';
import { lowerLimit } from './context-window';
import type { QuietAnnouncer } from './liveness';
import { ModelLoader, type ChatSession } from './model-loader';
import { ReplyGenerator } from './reply-generator';

/**
 * One chat model at a time, in this worker: loads it (`ModelLoader`), writes replies with it (`ReplyGenerator`), and
 * chooses the passages of attached files for its prompts. Loading and generating exclude each other; downloading another
 * model and choosing passages do not. Knows nothing of the page.
 */
export class ChatEngine {
  private session: ChatSession | null = null;
  private busy: 'loading' | 'generating' | null = null;
  /** Settles when the reply being written ends, however it ends. */
  private generation: Promise<void> | null = null;
  private readonly loader: ModelLoader;
  private readonly generator: ReplyGenerator;
  /** Ranks the passages of attached files by meaning; its model loads when passages are first needed. */
  private readonly embedder: Embedder;

  constructor(
    private readonly source: ModelSource,
    cache: StoreCache,
    /** Told of the steps that block this thread for long, so the page does not take the silence for a hang. */
    quiet: QuietAnnouncer,
    /** Where the vectors of attached files' passages are kept. */
    passageVectors: PassageVectors,
  ) {
    this.loader = new ModelLoader(source, cache, quiet);
    this.generator = new ReplyGenerator(quiet);
    this.embedder = new Embedder(source, passageVectors);
  }

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
      this.session = await this.loader.load(params, onProgress, signal, () => this.unload());
      return this.session.info;
    } finally {
      this.busy = null;
    }
  }

  /** See `Calls['download']`: the loaded model keeps answering meanwhile. */
  download(params: LoadParams, onProgress: (progress: LoadProgress) => void, signal: AbortSignal): Promise<DownloadedModel> {
    return this.loader.download(params, onProgress, signal);
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
    const onDownload = (load: LoadProgress) => onProgress({ stage: 'download', load });
    const byMeaning: ByMeaning | undefined = embedding
      ? {
          window: () => this.embedder.window(embedding, { signal, onDownload }),
          rank: async (chunks, question) => {
            const files = params.documents.map((document) => fingerprint(document.text));
            const texts = [{ text: question }, ...chunks.map((chunk) => ({ text: chunk.text, document: files[chunk.from] }))];
            const [asked, ...passages] = await this.embedder.embed(embedding, texts, {
              signal,
              onDownload,
              onEmbedded: (done) => onProgress({ stage: 'embedding', done: Math.max(0, done - 1), total: chunks.length }),
            });
            return rankByVectors(asked, passages);
          },
        }
      : undefined;
    return choosePassages(
      params,
      {
        context: lowerLimit(info.contextLength, params.contextLimit),
        promptTokens: (messages) => encodeChat(tokenizer, prepareHistory(messages, tokenizer.chat_template), templateOptions).length,
        textTokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
      },
      byMeaning,
    );
  }

  async generate(params: GenerateParams, onProgress: (progress: Calls['generate']['progress']) => void, signal: AbortSignal): Promise<GenerationResult> {
    if (!this.session) throw new EngineError('not-loaded', 'No model is loaded. Load a model first.');
    this.claim('generating');
    const run = this.generator.generate(this.session, params, onProgress, signal);
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

  async unload(): Promise<void> {
    const session = this.session;
    this.session = null;
    await this.generator.forgetTurn();
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
}
