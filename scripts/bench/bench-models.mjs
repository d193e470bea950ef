// @ts-check
/**
 * The real-size random-weight models `npm run bench` measures, written into the benchmark hub in Hub layout when
 * missing. They reuse the fixture generators (scripts/fixtures/) at real shapes: the compute per token and the bytes
 * to load are a real model's, the weights are random.
 *
 * The first (the one `--quick` runs) uses the fixture's byte-level BPE tokenizer (268 tokens, ChatML template) with
 * the real vocabulary size (151,936 rows in the embedding and lm_head); the logits of the rows the tokenizer lacks
 * are pushed far down, so the greedy text decodes, while every matrix keeps its real size. The others are the
 * catalog's twins (make-twins.mjs, real-size preset): the real tokenizer, chat template, config and generation
 * settings.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDecoderWeights } from '../fixtures/decoder-weights.mjs';
import { ONNX_FILE_BY_VARIANT, repoFiles } from '../fixtures/make-fixtures.mjs';
import { makeTwins } from '../fixtures/make-twins.mjs';
import { buildTokenizer } from '../fixtures/tokenizer.mjs';

/**
 * @typedef {object} BenchModel
 * @property {string} id repository id in the benchmark hub
 * @property {string} label what the tables call it
 * @property {import('../fixtures/linear.mjs').WeightVariant} variant the dtype the WASM backend picks
 * @property {import('../fixtures/decoder-weights.mjs').DecoderShape} [shape] for a model of the fixture generator
 * @property {string} [twin] for a catalog twin: its name in make-twins.mjs
 */

/** @type {BenchModel[]} */
export const BENCH_MODELS = [
  {
    id: 'airgap-bench/qwen2.5-0.5b-shape',
    label: 'Qwen2.5-0.5B shape, q8',
    shape: {
      vocabSize: 151_936,
      hiddenSize: 896,
      numLayers: 24,
      numHeads: 14,
      numKvHeads: 2,
      headDim: 64,
      intermediateSize: 4864,
      // room for the 2,048-token prompt plus a long reply
      maxPositionEmbeddings: 4096,
      ropeTheta: 1_000_000,
      rmsNormEps: 1e-6,
    },
    variant: 'q8',
  },
  {
    id: 'airgap-twins/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5-0.5B-Instruct twin, q8',
    twin: 'Qwen2.5-0.5B-Instruct',
    variant: 'q8',
  },
  {
    // onnxruntime-genai's family (GroupQueryAttention), the catalog's default, at the dtype WASM picks for it
    id: 'airgap-twins/Qwen3-0.6B-ONNX',
    label: 'Qwen3-0.6B-ONNX twin, q8',
    twin: 'Qwen3-0.6B-ONNX',
    variant: 'q8',
  },
];

const SEED = 20261130;

/** @param {BenchModel} model */
export function onnxFileOf(model) {
  return ONNX_FILE_BY_VARIANT[model.variant];
}

/**
 * Writes the model's repository under `root` unless its weights are already there (generating takes a minute and
 * a few GB of memory, so it runs only once per machine).
 * @param {string} root
 * @param {BenchModel} model
 * @returns {Promise<boolean>} whether it was written
 */
export async function ensureBenchModel(root, model) {
  if (model.twin) return (await makeTwins({ out: root, preset: 'real', only: [model.twin] })).written.length > 0;
  const dir = path.join(root, model.id);
  if (await stat(path.join(dir, onnxFileOf(model))).catch(() => null)) return false;
  if (!model.shape) throw new Error(`${model.id} has neither a shape nor a twin`);
  const tokenizer = buildTokenizer();
  const rowsWithoutToken = Array.from({ length: model.shape.vocabSize - tokenizer.vocabSize }, (_, i) => tokenizer.vocabSize + i);
  const weights = createDecoderWeights(model.shape, {
    seed: SEED,
    suppressedTokenIds: [...tokenizer.unprintableIds, ...rowsWithoutToken],
  });
  const repo = {
    id: model.id,
    maxPositionEmbeddings: model.shape.maxPositionEmbeddings,
    variants: [model.variant],
    description: `${model.label}: random weights at real size, for npm run bench.`,
  };
  const files = repoFiles(repo, weights, model.shape, tokenizer);
  // The weights last, so an interrupted run leaves no complete-looking repository.
  const ordered = [...files].sort(([a], [b]) => Number(a.endsWith('.onnx')) - Number(b.endsWith('.onnx')));
  for (const [file, contents] of ordered) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), contents);
  }
  return true;
}
