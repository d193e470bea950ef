import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { findWeightLayout, externalDataFormat } from '../dtypes';
import type { ModelSource } from '../model-source';
import { EngineError, type DtypeOffer, type LoadProgress, type RepoRef } from '../../shared/protocol';
import type { EmbeddingWindow } from './choose-passages';
import type { PassageVectors } from './passage-vectors';

/** The dtype to run an embedding model in: small first (the model runs beside the chat model), then exact. */
const DTYPE_PREFERENCE = ['q8', 'fp32', 'fp16', 'q4'];
/** What an encoder adds to every text it reads ([CLS] and [SEP], or <s> and </s>). */
const SPECIAL_TOKENS = 2;
/** Encoders whose files say nothing of their window read this many tokens, BERT's. */
const DEFAULT_WINDOW = 512;

/**
 * The most tokens the model reads: the tokenizer's `model_max_length` when it is set (unset, transformers.js reads a
 * huge number), else the position embeddings of config.json.
 */
export function readableTokens(modelMaxLength: number, config: unknown): number {
  if (Number.isFinite(modelMaxLength) && modelMaxLength > SPECIAL_TOKENS && modelMaxLength < 1e6) return modelMaxLength;
  const positions = (config as { max_position_embeddings?: unknown } | null)?.max_position_embeddings;
  return typeof positions === 'number' && positions > SPECIAL_TOKENS ? positions : DEFAULT_WINDOW;
}

/** Passages embedded per run: enough to keep the runtime busy, few enough to report progress and stop soon. */
const BATCH = 8;

/** A text to embed; one from a file (`document`: its fingerprint) has its vector kept for the next time. */
export interface TextToEmbed {
  text: string;
  document?: string;
}

interface EmbedOptions {
  signal: AbortSignal;
  onDownload: (progress: LoadProgress) => void;
  /** How many of the texts have their vector so far (recalled or computed). */
  onEmbedded: (done: number) => void;
}

/**
 * A sentence-embedding model (transformers.js feature extraction, mean pooled and normalised) on WASM, beside the chat
 * model. Its files come through the same model store as a chat model's: downloaded once with resume and integrity
 * checks, then read with no network. The vectors of files' passages are kept (`PassageVectors`).
 */
export class Embedder {
  private loaded: { key: string; vectorsKey: string; extract: FeatureExtractionPipeline } | null = null;
  /** The run under way, if any (settled either way). */
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: ModelSource,
    private readonly kept: PassageVectors,
  ) {}

  /** One vector per text (unit length; zero for a text with no word the model knows). */
  embed(ref: RepoRef, texts: readonly TextToEmbed[], options: EmbedOptions): Promise<number[][]> {
    return this.inTurn(() => this.embedInTurn(ref, texts, options));
  }

  /** How the model counts a text's tokens, and the most it reads of one: beyond that, `extract` cuts the text off. */
  window(ref: RepoRef, { signal, onDownload }: Pick<EmbedOptions, 'signal' | 'onDownload'>): Promise<EmbeddingWindow> {
    return this.inTurn(async () => {
      signal.throwIfAborted();
      const { extract } = await this.load(ref, signal, onDownload);
      const { tokenizer } = extract;
      return {
        tokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
        maxTokens: readableTokens(tokenizer.model_max_length, extract.model.config) - SPECIAL_TOKENS,
      };
    });
  }

  /**
   * One run at a time, on one loaded model: a question's run waits for the files' preparation it stopped to end its
   * batch.
   */
  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.running.then(task);
    this.running = turn.catch(() => undefined);
    return turn;
  }

  private async embedInTurn(
    ref: RepoRef,
    texts: readonly TextToEmbed[],
    options: EmbedOptions,
  ): Promise<number[][]> {
    options.signal.throwIfAborted();
    const { extract, vectorsKey } = await this.load(ref, options.signal, options.onDownload);
    const started = performance.now();
    const vectors = await this.kept.recall(vectorsKey, texts.filter((item) => item.document !== undefined).map((item) => item.text));
    const recalled = vectors.size;
    const missing = [...new Set(texts.map((item) => item.text).filter((text) => !vectors.has(text)))];
    const filesOf = new Map<string, Set<string>>();
    for (const { text, document } of texts) {
      if (document !== undefined) filesOf.set(text, (filesOf.get(text) ?? new Set()).add(document));
    }
    for (let start = 0; start < missing.length; start += BATCH) {
      options.signal.throwIfAborted();
      const batch = missing.slice(start, start + BATCH);
      const output = (await extract(batch, { pooling: 'mean', normalize: true })).tolist() as number[][];
      batch.forEach((text, index) => vectors.set(text, output[index]));
      // Kept batch by batch, so a run stopped part-way (files being prepared when the question was sent) keeps its work.
      const kept = batch.filter((text) => filesOf.has(text));
      await this.kept.keep(vectorsKey, kept.map((text) => ({ text, vector: vectors.get(text)!, documents: [...filesOf.get(text)!] })));
      options.onEmbedded(texts.length - missing.length + start + batch.length);
    }
    // On the worker's timeline for tests and `npm run bench:documents`: how many vectors were kept from before.
    performance.measure('passages:vectors', { start: started, detail: { recalled, computed: missing.length } });
    return texts.map((item) => vectors.get(item.text)!);
  }

  private async load(ref: RepoRef, signal: AbortSignal, onProgress: (progress: LoadProgress) => void) {
    const key = `${ref.hubUrl} ${ref.repo} ${ref.revision}`;
    if (this.loaded?.key === key) return this.loaded;
    const manifest = await this.source.manifest(ref, signal);
    const layout = findWeightLayout(manifest.files);
    const offer = DTYPE_PREFERENCE.map((dtype) => layout?.offers.find((entry) => entry.dtype === dtype)).find(
      (entry): entry is DtypeOffer => entry !== undefined,
    );
    if (!layout || !offer) throw new EngineError('no-onnx-weights', `“${ref.repo}” has no ONNX weights to run in the browser.`);
    const options = { signal, onProgress };
    await this.source.fetchShared(manifest, options);
    await this.source.fetchModel(manifest, offer, options);
    await this.loaded?.extract.dispose();
    this.loaded = null;
    const extract = await pipeline('feature-extraction', manifest.repo, {
      revision: manifest.commit,
      device: 'wasm',
      dtype: offer.dtype,
      use_external_data_format: externalDataFormat(offer),
      ...(layout.modelFileName === 'model' ? {} : { model_file_name: layout.modelFileName }),
    });
    // The same weights give the same vectors from any hub; another revision or dtype may not.
    this.loaded = { key, vectorsKey: `${manifest.repo}@${manifest.commit} ${offer.dtype}`, extract };
    return this.loaded;
  }
}
