import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { findWeightLayout, externalDataFormat } from '../dtypes';
import type { ModelSource } from '../model-source';
import { EngineError, type DtypeOffer, type LoadProgress, type RepoRef } from '../protocol';

/** The dtype to run an embedding model in: small first (the model runs beside the chat model), then exact. */
const DTYPE_PREFERENCE = ['q8', 'fp32', 'fp16', 'q4'];
/** Passages embedded per run: enough to keep the runtime busy, few enough to report progress and stop soon. */
const BATCH = 8;
/** Vectors kept for texts already embedded (another question about the same files); about 1.5 MB at 384 dimensions. */
const REMEMBERED_VECTORS = 1000;

/**
 * A sentence-embedding model (transformers.js feature extraction, mean pooled and normalised) on WASM, beside the chat
 * model. Its files come through the same model store as a chat model's: downloaded once with resume and integrity
 * checks, then read with no network.
 */
export class Embedder {
  private loaded: { key: string; extract: FeatureExtractionPipeline } | null = null;
  /** The loaded model's vectors by text, oldest first (a Map keeps insertion order). */
  private readonly remembered = new Map<string, number[]>();

  constructor(private readonly source: ModelSource) {}

  /** One vector per text (unit length; zero for a text with no word the model knows). */
  async embed(
    ref: RepoRef,
    texts: readonly string[],
    options: { signal: AbortSignal; onDownload: (progress: LoadProgress) => void; onEmbedded: (done: number) => void },
  ): Promise<number[][]> {
    const extract = await this.load(ref, options.signal, options.onDownload);
    const vectors = new Map<string, number[]>();
    for (const text of texts) {
      const known = this.remembered.get(text);
      if (known) vectors.set(text, known);
    }
    const missing = [...new Set(texts.filter((text) => !vectors.has(text)))];
    for (let start = 0; start < missing.length; start += BATCH) {
      options.signal.throwIfAborted();
      const batch = missing.slice(start, start + BATCH);
      const output = (await extract(batch, { pooling: 'mean', normalize: true })).tolist() as number[][];
      batch.forEach((text, index) => {
        vectors.set(text, output[index]);
        this.remember(text, output[index]);
      });
      options.onEmbedded(texts.length - missing.length + start + batch.length);
    }
    return texts.map((text) => vectors.get(text)!);
  }

  private remember(text: string, vector: number[]): void {
    this.remembered.set(text, vector);
    for (const oldest of this.remembered.keys()) {
      if (this.remembered.size <= REMEMBERED_VECTORS) break;
      this.remembered.delete(oldest);
    }
  }

  private async load(ref: RepoRef, signal: AbortSignal, onProgress: (progress: LoadProgress) => void): Promise<FeatureExtractionPipeline> {
    const key = `${ref.hubUrl} ${ref.repo} ${ref.revision}`;
    if (this.loaded?.key === key) return this.loaded.extract;
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
    this.remembered.clear();
    const extract = await pipeline('feature-extraction', manifest.repo, {
      revision: manifest.commit,
      device: 'wasm',
      dtype: offer.dtype,
      use_external_data_format: externalDataFormat(offer),
      ...(layout.modelFileName === 'model' ? {} : { model_file_name: layout.modelFileName }),
    });
    this.loaded = { key, extract };
    return extract;
  }
}
