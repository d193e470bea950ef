import { DEFAULT_QUIET_MS, HEARTBEAT_MS, type AliveMessage } from '../shared/protocol';
import type { ModelDimensions } from './memory-budget';

/**
 * Allowances for the steps that block the worker's thread: onnxruntime's plain WASM build creates a session and runs
 * a forward pass synchronously, so no heartbeat leaves the worker until they finish. They scale with the weights'
 * size (and the prompt's length), about five times above what a 2-core laptop measured (about 15 s per GB to create
 * and warm up a session, about 20 ms per prompt token per GB), so a slow machine is never mistaken for a hung one.
 */
const SESSION_START_MS_PER_GB = 60_000;
const PREFILL_MS_PER_TOKEN_PER_GB = 100;
const GB = 1e9;

/**
 * The first session of a worker also compiles onnxruntime's WebAssembly (about 11 MB) and starts its threads: seconds
 * on a busy 2-core machine, where Firefox ESR now and then stayed silent past the default allowance doing it.
 */
const RUNTIME_START_MS = 15_000;

/**
 * How long creating and warming up a session on `weightBytes` of weights may keep the worker silent, with the runtime's
 * own start when it is the worker's first (`runtimeStarting`).
 */
export function sessionStartQuietMs(weightBytes: number, runtimeStarting: boolean): number {
  return DEFAULT_QUIET_MS + Math.ceil((weightBytes / GB) * SESSION_START_MS_PER_GB) + (runtimeStarting ? RUNTIME_START_MS : 0);
}

/**
 * Each prompt token also attends to every token before it, in every layer and head. Measured: Qwen3-0.6B (28 layers,
 * 16 heads of 128, onnxruntime's GroupQueryAttention) at q4 on WASM, on a 2-core machine, read steps of 243 tokens in
 * 9.7 s at the start of a prompt and 87 s at 3,645 tokens of context: about 0.085 ms more per token for each token
 * already read, or 1.5 ms per million of context × layers × heads × head size. Five times that is allowed. That was
 * onnxruntime's float32 flash-attention path, which the app now keeps WASM off (model-store/attention-softcap.ts; the
 * same steps take 8–13 s): the bound stays, as a graph may still reach a path that slow.
 */
const ATTENTION_MS_PER_MILLION = 7.5;

/**
 * How long reading `promptTokens` new tokens into a model of `weightBytes` may keep the worker silent, when they end at
 * `contextTokens` of context in a model of `dimensions` (unknown: the weights alone are counted).
 */
export function prefillQuietMs(
  promptTokens: number,
  weightBytes: number,
  { contextTokens, dimensions }: { contextTokens: number; dimensions: ModelDimensions | null } = { contextTokens: 0, dimensions: null },
): number {
  const attentionWidth = dimensions ? dimensions.layers * dimensions.heads * dimensions.headDim : 0;
  const perTokenMs = Math.max(weightBytes / GB, 0.1) * PREFILL_MS_PER_TOKEN_PER_GB + ((contextTokens * attentionWidth) / 1e6) * ATTENTION_MS_PER_MILLION;
  return DEFAULT_QUIET_MS + Math.ceil(promptTokens * perTokenMs);
}

/** How many times the slowest pace measured so far a prompt step may take before the worker is taken for hung. */
const PACE_MARGIN = 3;

/**
 * The allowance for each step of reading a prompt, from the steps already read: the estimate for the first, then never
 * less than PACE_MARGIN times the slowest milliseconds per token measured so far, since reading speed differs by an
 * order of magnitude between machines, dtypes and attention kernels.
 */
export class PrefillPace {
  private slowestMsPerToken = 0;

  constructor(
    private readonly weightBytes: number,
    private readonly dimensions: ModelDimensions | null,
  ) {}

  /** A step of `tokens` took `ms`. */
  record(tokens: number, ms: number): void {
    if (tokens > 0) this.slowestMsPerToken = Math.max(this.slowestMsPerToken, ms / tokens);
  }

  /** How long the worker may be silent reading the next `tokens`, which end at `contextTokens` of context. */
  allowanceMs(tokens: number, contextTokens: number): number {
    return Math.max(
      prefillQuietMs(tokens, this.weightBytes, { contextTokens, dimensions: this.dimensions }),
      DEFAULT_QUIET_MS + Math.ceil(PACE_MARGIN * this.slowestMsPerToken * tokens),
    );
  }
}

/** What the engine tells the page about the silences ahead. */
export interface QuietAnnouncer {
  /**
   * From now until `endQuiet`, the worker may be silent for up to `quietMs`; `runtimeStarting`: because onnxruntime
   * starts for the first time in this worker.
   */
  expectQuiet(quietMs: number, runtimeStarting?: boolean): void;
  endQuiet(): void;
}

/**
 * The worker's heartbeat. The allowance it carries is sticky: set before a blocking step's asynchronous preamble (reading
 * files, say), every beat repeats it, so the page never sees the default just before the long silence starts.
 */
export class Heartbeat implements QuietAnnouncer {
  private quietMs = DEFAULT_QUIET_MS;
  private runtimeStarting = false;

  constructor(private readonly post: (message: AliveMessage) => void) {}

  start(): void {
    this.beat();
    setInterval(() => this.beat(), HEARTBEAT_MS);
  }

  expectQuiet(quietMs: number, runtimeStarting = false): void {
    this.quietMs = Math.max(DEFAULT_QUIET_MS, quietMs);
    this.runtimeStarting = runtimeStarting;
    this.beat();
  }

  endQuiet(): void {
    if (this.quietMs === DEFAULT_QUIET_MS && !this.runtimeStarting) return;
    this.quietMs = DEFAULT_QUIET_MS;
    this.runtimeStarting = false;
    this.beat();
  }

  private beat(): void {
    this.post({ type: 'alive', quietMs: this.quietMs, ...(this.runtimeStarting && { runtimeStarting: true }) });
  }
}
