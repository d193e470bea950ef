// @ts-check
/**
 * The native reference of `npm run bench`: onnxruntime-node (the copy @huggingface/transformers installs) loads the
 * same file with the same thread count and runs the same greedy loop as the bare browser page. Run as a child process
 * so its peak memory is its own; prints one JSON line.
 *
 *   node scripts/bench/node-runtime.mjs '{"modelDir": "...", "onnxFile": "onnx/model_quantized.onnx", "threads": 2,
 *     "replies": [{"ids": [...], "newTokens": 128}]}'
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { greedyReply, kvShapeOf } from './greedy-loop.mjs';

/**
 * @typedef {object} NodeRunParams
 * @property {string} modelDir
 * @property {string} onnxFile
 * @property {number} threads
 * @property {{ ids: number[], newTokens: number }[]} replies each reply's prompt token ids and how many tokens to generate
 */

/** @param {NodeRunParams} params */
async function run(params) {
  const config = JSON.parse(await readFile(path.join(params.modelDir, 'config.json'), 'utf8'));
  const started = performance.now();
  // Bytes first, as the browser runtimes get them, then the session; external data files sit next to the graph.
  const model = await readFile(path.join(params.modelDir, params.onnxFile));
  const read = performance.now();
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: params.threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  const ready = performance.now();
  const replies = [];
  for (const reply of params.replies) replies.push(await greedyReply(ort, session, kvShapeOf(config), reply.ids, reply.newTokens));
  await session.release();
  return {
    build: `onnxruntime-node ${ort.env.versions.node ?? ''}`.trim(),
    fetchMs: Math.round(read - started),
    createMs: Math.round(ready - read),
    loadMs: Math.round(ready - started),
    replies,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

console.log(JSON.stringify(await run(JSON.parse(process.argv[2]))));
