/**
 * The typed message protocol between the page and the engine worker. Both sides import this module and nothing else
 * of each other. Every call carries a request id; the worker answers with any number of `progress` messages and then
 * exactly one `result` or `error`. Adding a call here is a compile error on both sides until each handles it.
 */

export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof DTYPES)[number];
export const DEVICES = ['webgpu', 'wasm'] as const;
export type Device = (typeof DEVICES)[number];

export type Preference<T> = T | 'auto';

/**
 * `owner/name` as the Hub allows them: letters, digits, `_`, `-` and `.`, at most 96 characters each, neither starting
 * nor ending with `-` or `.` (so never `.` or `..`, which a URL would resolve as a path step), and no `--` or `..`.
 */
const REPO_PART = /^[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9_])?$/;

export function isRepoId(repo: string): boolean {
  const parts = repo.split('/');
  return parts.length === 2 && parts.every((part) => REPO_PART.test(part)) && !repo.includes('..') && !repo.includes('--');
}

export interface RepoRef {
  /** Base URL of a Hugging Face Hub or a mirror in its URL layout, e.g. `https://huggingface.co`. */
  hubUrl: string;
  /** Repository id, `owner/name`. */
  repo: string;
  /** Branch, tag or commit. */
  revision: string;
}

/** One dtype a repository offers, with the bytes its weight files take. */
export interface DtypeOffer {
  dtype: Dtype;
  bytes: number;
  files: string[];
}

export interface RepoInspection {
  repo: string;
  /** The commit the hub resolved the revision to, when it said. */
  commit: string | null;
  offers: DtypeOffer[];
}

export interface LoadParams extends RepoRef {
  device: Preference<Device>;
  dtype: Preference<Dtype>;
  /** Size of the pieces a download is stored in; resuming continues from the last stored piece. */
  chunkBytes?: number;
  /** Seconds the hub may send nothing before a download's connection is dropped and tried again. */
  stallSeconds?: number;
  /** Ask the hub for the revision's files again instead of using the stored listing (to get a newer commit). */
  refresh?: boolean;
  /** The most memory a model and its conversation may take on WASM; unset: WebAssembly's 4 GiB. */
  memoryLimitBytes?: number;
  /** Load only from what is stored: a model (or dtype) that would need a download is refused before any request. */
  storedOnly?: boolean;
}

export interface FileProgress {
  file: string;
  loaded: number;
  /** 0 until the size is known. */
  total: number;
  done: boolean;
}

/**
 * What a load is doing, sent whole a few times a second: `downloading` into the store (or `retrying` after a network
 * error), `waiting` while another tab downloads the same model, `starting` while the model is read from the store
 * into the runtime.
 */
export interface LoadProgress {
  phase: 'downloading' | 'retrying' | 'waiting' | 'starting';
  files: FileProgress[];
  loaded: number;
  total: number;
  /** Download speed over the last few seconds; 0 when nothing is arriving. */
  bytesPerSecond: number;
  /** Estimated seconds until the download is done; null when unknown. */
  secondsLeft: number | null;
  /** A line for a person, e.g. "Connection lost; trying again in 2 s." */
  note: string | null;
}

/** One model in the browser's storage: a repository at one commit, in one dtype. */
export interface StoredModel {
  id: string;
  hubUrl: string;
  repo: string;
  /** The branch or tag that was asked for, and the commit it was pinned to. */
  revision: string;
  commit: string;
  dtype: Dtype;
  /** Bytes of all its files, and how many of them are stored. */
  bytes: number;
  storedBytes: number;
  complete: boolean;
  /** Milliseconds since the epoch. */
  lastUsed: number;
}

export interface StorageReport {
  models: StoredModel[];
  /** What the browser says this site uses and may use, in bytes; null when it does not say. */
  usage: number | null;
  quota: number | null;
  /** True when the browser refused IndexedDB: the models live in memory and are gone when the tab closes. */
  inMemory: boolean;
}

/** Sampling settings; `undefined` means "use the model's generation_config.json". */
export interface GenerationSettings {
  maxNewTokens: number;
  doSample?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  repetitionPenalty?: number;
}

export interface LoadedModel {
  repo: string;
  revision: string;
  device: Device;
  dtype: Dtype;
  /** WASM threads in use; 1 on WebGPU and without cross-origin isolation. */
  threads: number;
  /** Attempts that failed before this one worked, in words, e.g. "webgpu/q4f16: not offered by the repository". */
  fallbacks: string[];
  /** Sampling defaults read from generation_config.json. */
  generationDefaults: Partial<GenerationSettings>;
  contextLength: number | null;
  /** The chat template reads `enable_thinking` (Qwen3, SmolLM3), so the model's reasoning can be switched off. */
  thinkingSwitch: boolean;
  loadMs: number;
}

/** A model stored by `download`: the dtype it chose and its size. */
export interface DownloadedModel {
  repo: string;
  dtype: Dtype;
  bytes: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateParams {
  messages: ChatMessage[];
  settings: GenerationSettings;
  /** A limit below the model's own context, in tokens; `undefined` uses the model's. */
  contextLimit?: number;
  /** For templates with a thinking switch: false asks the model to answer without reasoning first. */
  thinking?: boolean;
  /** The last message is a reply that stopped early: the model writes on at its end instead of starting anew. */
  continueReply?: boolean;
  /** Reuse the previous turn's KV cache when its tokens are a prefix of this prompt. */
  reuseCache: boolean;
}

/** An attached file's text, as a prompt carries it. */
export interface DocumentText {
  name: string;
  text: string;
}

/** A part of an attached file chosen for a question: where it is in the file, and its text. */
export interface Passage {
  /** The file's name. */
  name: string;
  /** The PDF page it is on. */
  page?: number;
  /** The heading it is under (Markdown). */
  section?: string;
  text: string;
}

export interface ChoosePassagesParams {
  /** The prompt as it would be sent, its last message the question without its files. */
  messages: ChatMessage[];
  documents: DocumentText[];
  /** Room kept for the reply. */
  maxNewTokens: number;
  contextLimit?: number;
  thinking?: boolean;
  /** The sentence-embedding model that ranks passages by meaning besides keywords; null: keywords only. */
  embedding: RepoRef | null;
}

/** While passages are chosen: the embedding model's download, then how many passages it has read. */
export type PassagesProgress = { stage: 'download'; load: LoadProgress } | { stage: 'embedding'; done: number; total: number };

export interface ChosenPassages {
  /** null: the files fit whole. */
  passages: Passage[] | null;
  /** Why the passages were ranked by keywords alone, when an embedding model was asked for but could not be used. */
  keywordsOnly?: string;
}

export interface TokenDelta {
  type: 'text';
  /** Text to append to what was streamed so far. */
  text: string;
  generatedTokens: number;
}

/**
 * The conversation went through the model's chat template and was tokenized: the engine reads it next. Before this, a
 * worker that stops answering was stuck in the template (see the model slice's engineLost).
 */
export interface PromptBuilt {
  type: 'prompt-built';
  tokens: number;
}

/** How much of a long prompt has been read, when it is read in steps (before the reply's first token). */
export interface PromptRead {
  type: 'prompt';
  read: number;
  total: number;
}

export type StopReason = 'eos' | 'length' | 'user';

export interface GenerationStats {
  promptTokens: number;
  generatedTokens: number;
  /** Time to first token, from the request to the first generated token. */
  ttftMs: number;
  /** Decode speed: tokens after the first, divided by the time after the first. */
  tokensPerSecond: number;
  totalMs: number;
  stopReason: StopReason;
  /** Prompt tokens taken from the previous turn's KV cache instead of being computed again. */
  cachedTokens: number;
}

export interface GenerationResult {
  text: string;
  stats: GenerationStats;
  /** How many of the oldest messages (never the system prompt) were left out to fit the context. */
  droppedMessages: number;
}

/** The calls the worker serves: what each takes, what it streams while running, and what it returns. */
export interface Calls {
  inspect: { params: RepoRef; progress: never; result: RepoInspection };
  load: { params: LoadParams; progress: LoadProgress; result: LoadedModel };
  /**
   * Stores what a `load` with the same params would use first, without loading it: the loaded model keeps answering
   * while it downloads.
   */
  download: { params: LoadParams; progress: LoadProgress; result: DownloadedModel };
  generate: { params: GenerateParams; progress: PromptBuilt | PromptRead | TokenDelta; result: GenerationResult };
  /**
   * Whether a question's files fit the context whole (`passages: null`) or, if not, the parts of them that best
   * match the question and fit, in the files' order.
   */
  choosePassages: { params: ChoosePassagesParams; progress: PassagesProgress; result: ChosenPassages };
  /**
   * Keeps the stored vectors of the files whose texts have these fingerprints (`fingerprint()` of
   * documents/fingerprint.ts: the files the chats still hold) and deletes the others'; says how many passages went.
   */
  keepPassageVectors: { params: { documents: string[] }; progress: never; result: { removed: number } };
  storedModels: { params: Record<string, never>; progress: never; result: StorageReport };
  /** The commit the revision points to on the hub now, to compare with a stored model's. Asks the hub. */
  latestCommit: { params: RepoRef; progress: never; result: { commit: string | null } };
  /** Deletes one stored model (`id`), or every stored model when `id` is null. */
  deleteStoredModels: { params: { id: string | null }; progress: never; result: StorageReport };
}
export type CallName = keyof Calls;

export type CallRequest = { [K in CallName]: { type: K; id: number; params: Calls[K]['params'] } }[CallName];
export interface CancelRequest {
  type: 'cancel';
  id: number;
  /** The id of the call to cancel. */
  target: number;
}
/** The page could not start a helper worker the engine asked for, or the helper failed to load. */
export interface HelperFailedRequest {
  type: 'helper-failed';
  helperId: number;
}
export type WorkerRequest = CallRequest | CancelRequest | HelperFailedRequest;

export type ProgressMessage = {
  [K in CallName]: { type: 'progress'; id: number; call: K; progress: Calls[K]['progress'] };
}[CallName];
export type ResultMessage = { [K in CallName]: { type: 'result'; id: number; call: K; result: Calls[K]['result'] } }[CallName];
export interface ErrorMessage {
  type: 'error';
  id: number;
  error: WireError;
}
/**
 * The worker's heartbeat, every HEARTBEAT_MS while its event loop runs. `quietMs` is how long the page may hear
 * nothing before it takes the worker for dead or hung: DEFAULT_QUIET_MS, or more just before a step known to block
 * the worker's thread for long (creating a session, reading a long prompt).
 */
export interface AliveMessage {
  type: 'alive';
  quietMs: number;
  /**
   * The silence ahead is onnxruntime's first start in this worker (no model is running in it yet). Firefox ESR now and
   * then never comes back from it; a fresh worker does, so the page sends the calls there instead of failing them.
   */
  runtimeStarting?: true;
}
/**
 * Sent unasked when the GPU device a WebGPU model runs on is lost (the driver reset, the GPU process crashed, the
 * laptop slept): onnxruntime keeps one device for the worker's life, so the worker is of no more use.
 */
export interface GpuLostMessage {
  type: 'gpu-lost';
  /** The browser's reason, for the person. */
  message: string;
}
/** The workers the engine hands work to that may block or be ended midway: see workers/helper-worker.ts. */
export type HelperName = 'template-trial' | 'sha256';
/** Asks the page to start a helper worker and hand it `port`, the engine's end of which talks to it. */
export interface StartHelperMessage {
  type: 'start-helper';
  helperId: number;
  helper: HelperName;
  port: MessagePort;
}
export interface StopHelperMessage {
  type: 'stop-helper';
  helperId: number;
}
export type WorkerResponse = ProgressMessage | ResultMessage | ErrorMessage | AliveMessage | GpuLostMessage | StartHelperMessage | StopHelperMessage;

export const HEARTBEAT_MS = 1000;
/** Far beyond any unannounced step between two heartbeats (a template render, a tokenizer parse, one decode step). */
export const DEFAULT_QUIET_MS = 15_000;

export type ErrorCode =
  | 'cancelled'
  | 'invalid-repo-id'
  | 'repo-not-found'
  | 'revision-not-found'
  | 'file-not-found'
  | 'no-onnx-weights'
  | 'no-chat-template'
  | 'bad-chat-template'
  | 'not-a-text-model'
  | 'dtype-not-offered'
  | 'hub-not-json'
  | 'hub-error'
  | 'network'
  | 'storage-full'
  | 'storage-failed'
  | 'integrity'
  | 'in-use'
  | 'webgpu-unavailable'
  | 'model-load-failed'
  /** The weights and a useful conversation would not fit the memory a tab has; refused before any download. */
  | 'model-too-big'
  | 'not-loaded'
  | 'busy'
  | 'generation-failed'
  | 'prompt-too-long'
  /** The load needs another onnxruntime build than the worker started: the client retries it in a fresh worker. */
  | 'runtime-switch'
  /**
   * The runtime did not start the model within its allowance though the worker kept answering (seen in Firefox ESR:
   * onnxruntime's start waited for ever). The client retries it once in a fresh worker, as for `runtime-switch`.
   */
  | 'runtime-stuck'
  | 'not-stored'
  /** The worker crashed or stopped answering; the page replaced it, and the model it held is gone. */
  | 'engine-stopped'
  | 'internal';

export interface WireError {
  name: string;
  code: ErrorCode;
  message: string;
}

/** An error that crosses the worker boundary intact: `name`, `code` and a message written for a person. */
export class EngineError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; name?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = options?.name ?? (code === 'cancelled' ? 'AbortError' : 'EngineError');
  }

  toWire(): WireError {
    return { name: this.name, code: this.code, message: this.message };
  }

  static fromWire(wire: WireError): EngineError {
    return new EngineError(wire.code, wire.message, { name: wire.name });
  }
}

export function isCancellation(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'cancelled';
}
