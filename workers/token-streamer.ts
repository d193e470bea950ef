import { TextStreamer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { IncrementalDetokenizer } from './text-stream';

/**
 * Receives token ids from `generate()` one step at a time, skips the prompt, and hands on text deltas and the moment
 * the first new token appeared (for time-to-first-token). It extends TextStreamer only because generate() is typed
 * to take one; both of TextStreamer's methods are replaced, since its word-buffered decoding lags behind tokens.
 */
export class DeltaStreamer extends TextStreamer {
  private promptSeen = false;
  private lead: string;
  private readonly onFirstToken: () => void;
  private readonly detokenizer: IncrementalDetokenizer;
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
    }: { lead?: string; context?: readonly number[]; onFirstToken?: () => void } = {},
  ) {
    super(tokenizer, { skip_prompt: true });
    this.lead = lead;
    this.onFirstToken = onFirstToken;
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
      this.emit(this.lead + this.detokenizer.push(id));
      this.lead = '';
    }
  }

  override end(): void {
    this.emit(this.detokenizer.flush());
  }

  private emit(delta: string): void {
    if (!delta) return;
    this.text += delta;
    this.onDelta(delta, this.generatedIds.length);
  }
}
