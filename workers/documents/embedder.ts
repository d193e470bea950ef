import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { findWeightLayout, externalDataFormat } from '../dtypes';
import type { ModelSource } from '../model-source';
import { EngineError, type DtypeOffer, type LoadProgress, type RepoRef } from '../protocol';

/** The dtype to run an embedding model in: small first (the model runs beside the chat model), then exact. */
const DTYPE_PREFERENCE = ['q8', 'fp32', 'fp16', 'q4'];
/** Passages embedded per run: enough to keep the runtime busy, few enough to report progress and stop soon. */
const BATCH = 8;

/**
 * A sentence-embedding model (transformers.js feature extraction, mean pooled and normalised) on WASM, beside the chat
 * model. Its files come through the same model store as a chat model's: downloaded once with resume and integrity
 * checks, then read with no network.
 */
export class Embedder {
  private loaded: { key: string; extract: FeatureExtractionPipeline } | null = null;

  constructor(private readonly source: ModelSource) {}

  /** One vector per text (unit length; zero for a text with no word the model knows). */
  async embed(
    ref: RepoRef,
    texts: readonly string[],
    options: { signal: AbortSignal; onDownload: (progress: LoadProgress) => void; onEmbedded: (done: number) => void },
  ): Promise<number[][]> {
    const extract = await this.load(ref, options.signal, options.onDownload);
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      options.signal.throwIfAborted();
      const output = await extract(texts.slice(start, start + BATCH), { pooling: 'mean', normalize: true });
      vectors.push(...(output.tolist() as number[][]));
      options.onEmbedded(vectors.length);
    }
    return vectors;
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
