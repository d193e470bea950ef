import { DTYPES, type Dtype, type DtypeOffer } from '../shared/protocol';

/** File-name suffix transformers.js appends to `onnx/<model>` for each dtype. */
export const DTYPE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** Base names a causal LM export may use; older exports call the merged decoder `decoder_model_merged`. */
const MODEL_FILE_NAMES = ['model', 'decoder_model_merged'] as const;
export type ModelFileName = (typeof MODEL_FILE_NAMES)[number];

export interface RepoFile {
  path: string;
  size: number;
}

export interface WeightLayout {
  modelFileName: ModelFileName;
  offers: DtypeOffer[];
}

/**
 * Works out which dtypes a repository offers from its file list: `onnx/<name><suffix>.onnx` plus any external-data
 * files `onnx/<name><suffix>.onnx_data`, `…onnx_data_1`, ….
 */
export function findWeightLayout(files: readonly RepoFile[]): WeightLayout | null {
  const byPath = new Map(files.map((file) => [file.path, file]));
  for (const modelFileName of MODEL_FILE_NAMES) {
    const offers: DtypeOffer[] = [];
    for (const dtype of DTYPES) {
      const graphPath = `onnx/${modelFileName}${DTYPE_SUFFIX[dtype]}.onnx`;
      const graph = byPath.get(graphPath);
      if (!graph) continue;
      const dataFiles = files.filter((file) => isExternalDataOf(file.path, graphPath));
      const parts = [graph, ...dataFiles];
      offers.push({
        dtype,
        bytes: parts.reduce((sum, file) => sum + file.size, 0),
        files: parts.map((file) => file.path),
      });
    }
    if (offers.length > 0) return { modelFileName, offers };
  }
  return null;
}

/** Graphs only models other than a plain text decoder have, and what such a model is. */
const OTHER_MODEL_KINDS: { prefix: string; kind: string }[] = [
  { prefix: 'onnx/vision_encoder', kind: 'a vision-language model (it has a vision encoder)' },
  { prefix: 'onnx/audio_encoder', kind: 'an audio model (it has an audio encoder)' },
  { prefix: 'onnx/encoder_model', kind: 'an encoder-decoder model (for translation, summaries or speech)' },
];

/** What kind of model the files are, when it is not a text-only decoder (the only kind a chat here can run). */
export function otherModelKind(files: readonly RepoFile[]): string | null {
  return OTHER_MODEL_KINDS.find(({ prefix }) => files.some((file) => file.path.startsWith(prefix)))?.kind ?? null;
}

function isExternalDataOf(path: string, graphPath: string): boolean {
  const prefix = `${graphPath}_data`;
  return path === prefix || (path.startsWith(`${prefix}_`) && /^\d+$/.test(path.slice(prefix.length + 1)));
}

/**
 * How many external-data files the dtype's graph has, in the form transformers.js' `use_external_data_format` takes.
 * Told from the listing, so a repository whose config.json does not say (or says wrongly) still loads. A graph whose
 * weights were split out of it as it is served (`StoreCache.rewriteGraph`) has one.
 */
export function externalDataFormat(offer: DtypeOffer, { weightsSplit = false } = {}): Record<string, number> {
  const graphName = offer.files[0].slice(offer.files[0].lastIndexOf('/') + 1);
  return { [graphName]: weightsSplit ? 1 : offer.files.length - 1 };
}
