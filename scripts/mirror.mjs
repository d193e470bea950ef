// @ts-check
/**
 * Fills a model mirror folder from a Hugging Face Hub (or another mirror) with exactly the files the app needs
 * for one repository: its config, generation config, tokenizer files, chat template, and the ONNX weights of the
 * chosen dtypes. The folder (`<out>/<org>/<name>/…`) is what `npm start -- --models <out>` serves.
 *
 *   npm run mirror -- <owner/name> [--revision main] [--dtype q8,q4f16] [--hub https://huggingface.co] [--out models]
 *
 * Every file is checked against the hash the hub lists for it (sha256 for weights); files already in place with
 * the right size and hash are kept, so an interrupted mirror can simply be run again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { downloadFile, listFiles, modelInfo } from '@huggingface/hub';
import { runnerImport } from 'vite';
import { isMainModule } from './lib/cli.mjs';

/** The files besides the weights that transformers.js reads for a chat model (those the repo has). */
const SUPPORT_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'];
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
/** The app's defaults: q8 on WASM, q4f16 (or q4 without shader-f16) on WebGPU. */
const DEFAULT_DTYPES = ['q8', 'q4f16', 'q4'];
/** `owner/name` as the Hub allows them; never `..`, since the id becomes a folder path. */
const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * The app's own rule for which files make up each dtype (workers/dtypes.ts), loaded through Vite so the mirror
 * and the app can never disagree about it.
 * @returns {Promise<typeof import('../workers/dtypes')['findWeightLayout']>}
 */
async function loadWeightLayoutRule() {
  const { module } = await runnerImport(resolve(import.meta.dirname, '../workers/dtypes.ts'), { configFile: false, logLevel: 'silent' });
  return /** @type {typeof import('../workers/dtypes')} */ (module).findWeightLayout;
}

/**
 * `hash` is what the hub lists: the sha256 of an LFS file, else the git blob id (null if it lists neither).
 * @typedef {{ kind: 'sha256' | 'git-blob', value: string }} FileHash
 * @typedef {{ path: string, size: number, hash: FileHash | null }} PlannedFile
 * @typedef {{ repo: string, commit: string, dtypes: string[], files: PlannedFile[] }} MirrorPlan
 */

/**
 * Decides what to copy: the support files and the weights of the requested dtypes the repo offers.
 * @param {{ repo: string, revision?: string, dtypes?: string[], hubUrl?: string, fetch?: typeof fetch }} options
 * @returns {Promise<MirrorPlan>}
 */
export async function planMirror({ repo, revision = 'main', dtypes, hubUrl = 'https://huggingface.co', fetch: fetchImpl }) {
  if (!REPO_ID.test(repo) || repo.includes('..')) throw new Error(`“${repo}” is not a model id (owner/name)`);
  const info = await modelInfo({ name: repo, revision, hubUrl, additionalFields: ['sha'], fetch: fetchImpl });
  const commit = /** @type {{ sha?: unknown }} */ (info).sha;
  if (typeof commit !== 'string') throw new Error(`the hub did not say which commit ${repo}@${revision} is`);

  /** @type {Map<string, PlannedFile>} */
  const listed = new Map();
  for await (const entry of listFiles({ repo, revision: commit, recursive: true, hubUrl, fetch: fetchImpl })) {
    if (entry.type !== 'file') continue;
    /** @type {FileHash | null} */
    const hash = entry.lfs ? { kind: 'sha256', value: entry.lfs.oid } : entry.oid ? { kind: 'git-blob', value: entry.oid } : null;
    listed.set(entry.path, { path: entry.path, size: entry.size, hash });
  }
  const missing = REQUIRED_FILES.filter((path) => !listed.has(path));
  if (missing.length > 0) throw new Error(`${repo} lacks ${missing.join(', ')}: it is not a transformers.js chat model`);

  const findWeightLayout = await loadWeightLayoutRule();
  const layout = findWeightLayout([...listed.values()]);
  if (!layout) throw new Error(`${repo} has no ONNX weights (onnx/model*.onnx)`);
  const offered = layout.offers.map((offer) => offer.dtype);
  const chosen = layout.offers.filter((offer) => (dtypes ?? DEFAULT_DTYPES).includes(offer.dtype));
  if (dtypes) {
    const unavailable = dtypes.filter((dtype) => !offered.includes(/** @type {any} */ (dtype)));
    if (unavailable.length > 0) throw new Error(`${repo} has no ${unavailable.join(', ')} weights; it offers ${offered.join(', ')}`);
  }
  if (chosen.length === 0) throw new Error(`${repo} offers none of ${DEFAULT_DTYPES.join(', ')}; choose from ${offered.join(', ')} with --dtype`);

  const paths = [...SUPPORT_FILES.filter((path) => listed.has(path)), ...chosen.flatMap((offer) => offer.files)];
  return { repo, commit, dtypes: chosen.map((offer) => offer.dtype), files: paths.map((path) => /** @type {PlannedFile} */ (listed.get(path))) };
}

/**
 * The file's hash the way the hub lists it: sha256, or git's blob id (sha1 over `blob <size>\0` and the bytes).
 * @param {string} path
 * @param {number} size
 * @param {FileHash['kind']} kind
 * @returns {Promise<string>}
 */
async function hashOf(path, size, kind) {
  const hash = kind === 'sha256' ? createHash('sha256') : createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * @param {string} path
 * @param {PlannedFile} file
 */
async function isInPlace(path, file) {
  const info = await stat(path).catch(() => null);
  if (info?.isFile() !== true || info.size !== file.size) return false;
  return file.hash === null || (await hashOf(path, file.size, file.hash.kind)) === file.hash.value;
}

/**
 * Mirrors one repository into `<out>/<org>/<name>/`.
 * @param {{ repo: string, revision?: string, dtypes?: string[], hubUrl?: string, out: string, fetch?: typeof fetch,
 *   onFile?: (file: PlannedFile, action: 'downloaded' | 'kept') => void }} options
 * @returns {Promise<MirrorPlan>}
 */
export async function mirrorRepo({ out, onFile = () => {}, ...options }) {
  const plan = await planMirror(options);
  const repoDir = join(resolve(out), ...plan.repo.split('/'));
  const hubUrl = options.hubUrl ?? 'https://huggingface.co';
  for (const file of plan.files) {
    const target = join(repoDir, file.path);
    if (await isInPlace(target, file)) {
      onFile(file, 'kept');
      continue;
    }
    const blob = await downloadFile({ repo: plan.repo, path: file.path, revision: plan.commit, hubUrl, fetch: options.fetch });
    if (!blob) throw new Error(`${plan.repo}: ${file.path} vanished from the hub`);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    try {
      await pipeline(Readable.fromWeb(/** @type {any} */ (blob.stream())), createWriteStream(partial));
      if (!(await isInPlace(partial, file))) throw new Error(`${plan.repo}: ${file.path} arrived damaged (its size or hash differs from the hub's listing)`);
      await rename(partial, target);
    } finally {
      await rm(partial, { force: true });
    }
    onFile(file, 'downloaded');
  }
  return plan;
}

if (isMainModule(import.meta.url)) {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        revision: { type: 'string', default: 'main' },
        dtype: { type: 'string' },
        hub: { type: 'string', default: 'https://huggingface.co' },
        out: { type: 'string', default: 'models' },
      },
    });
    if (positionals.length !== 1) throw new Error('name one repository, e.g. onnx-community/Qwen3-0.6B-ONNX');
    const plan = await mirrorRepo({
      repo: positionals[0],
      revision: values.revision,
      dtypes: values.dtype?.split(',').map((dtype) => dtype.trim()).filter(Boolean),
      hubUrl: values.hub.replace(/\/+$/, ''),
      out: values.out,
      onFile: (file, action) => console.log(`${action === 'kept' ? 'kept      ' : 'downloaded'} ${file.path} (${file.size} bytes)`),
    });
    console.log(`Mirrored ${plan.repo} at ${plan.commit} (${plan.dtypes.join(', ')}) into ${resolve(values.out)}`);
  } catch (error) {
    console.error(`mirror: ${/** @type {Error} */ (error).message}`);
    console.error('usage: npm run mirror -- <owner/name> [--revision main] [--dtype q8,q4f16] [--hub <url>] [--out models]');
    process.exit(1);
  }
}
