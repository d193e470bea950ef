import { TextStreamer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { IncrementalDetokenizer } from './text-stream';

/**
 * The least time between two text deltas handed on, except the first. Each message costs the worker's thread (which
 * is also onnxruntime's) and the page's main thread a task, taken from the model on a machine with few cores, while
 * the page renders a reply being written at most every 250 ms anyway (STREAM_RENDER_GAP_MS in the page's store).
 */
export const DELTA_GAP_MS = 200;
/**
 * The most tokens gathered before a delta goes anyway: what was written but not yet handed on shows only after a
 * Stop, so a fast model (hundreds of tokens a second) must not hold back more than a few.
 */
export const DELTA_MAX_TOKENS = 4;

/**
 * Receives token ids from `generate()` one step at a time, skips the prompt, and hands on text deltas and the moment
 * the first new token appeared (for time-to-first-token). It extends TextStreamer only because generate() is typed
 * to take one; both of TextStreamer's methods are replaced, since its word-buffered decoding lags behind tokens.
 * The first delta goes out at once; later ones are gathered for DELTA_GAP_MS or DELTA_MAX_TOKENS, whichever comes
 * first, and `end()` or `flush()` hands on the rest.
 */
export class DeltaStreamer extends TextStreamer {
  private promptSeen = false;
  private lead: string;
  private readonly onFirstToken: () => void;
  private readonly now: () => number;
  private readonly detokenizer: IncrementalDetokenizer;
  private pending = '';
  private pendingTokens = 0;
  private lastHandedOn = -Infinity;
  readonly generatedIds: number[] = [];
  firstTokenAt: number | null = null;
  text = '';

  /**
   * @param lead text the reply starts with although the model does not write it (the prompt wrote it), handed on
   *   with the first token
   * @param context ids of the reply's text so far, when a reply is being continued (see IncrementalDetokenizer)
   * @param onFirstToken called once, when the prompt has been read and the first token is out
   */
  constructor(
    tokenizer: PreTrainedTokenizer,
    private readonly onDelta: (text: string, generatedTokens: number) => void,
    {
      lead = '',
      context = [],
      onFirstToken = () => {},
      now = () => performance.now(),
    }: { lead?: string; context?: readonly number[]; onFirstToken?: () => void; now?: () => number } = {},
  ) {
    super(tokenizer, { skip_prompt: true });
    this.lead = lead;
    this.onFirstToken = onFirstToken;
    this.now = now;
    this.detokenizer = new IncrementalDetokenizer((ids) => tokenizer.decode(ids, { skip_special_tokens: true }), context);
  }

  override put(value: bigint[][]): void {
    if (!this.promptSeen) {
      this.promptSeen = true;
      return;
    }
    for (const token of value[0] ?? []) {
      if (this.firstTokenAt === null) {
        this.firstTokenAt = performance.now();
        this.onFirstToken();
      }
      const id = Number(token);
      this.generatedIds.push(id);
      this.pendingTokens++;
      this.emit(this.lead + this.detokenizer.push(id));
      this.lead = '';
    }
  }

  override end(): void {
    this.emit(this.detokenizer.flush());
    this.flush();
  }

  /** Hands on the text gathered since the last delta (a reply that failed keeps what it had written). */
  flush(): void {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.pendingTokens = 0;
    this.lastHandedOn = this.now();
    this.onDelta(text, this.generatedIds.length);
  }

  private emit(delta: string): void {
    this.text += delta;
    this.pending += delta;
    if (this.now() - this.lastHandedOn >= DELTA_GAP_MS || this.pendingTokens >= DELTA_MAX_TOKENS) this.flush();
  }
}
