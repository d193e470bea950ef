/**
 * Turns a growing list of token ids into text deltas. Decoding token by token is wrong for byte-level tokenizers
 * (one character may span several tokens) and re-decoding everything per token is quadratic, so this keeps a small
 * window: it re-decodes from the last point where the text was known to be stable, and holds back text that ends in
 * an incomplete character (U+FFFD) until the next token completes it.
 */
export class IncrementalDetokenizer {
  private readonly ids: number[] = [];
  /** Start of the window that is re-decoded each step. */
  private prefixOffset = 0;
  /** End of the part of the window whose text was already emitted. */
  private readOffset = 0;

  /**
   * @param context ids of text already shown before these tokens (the end of a reply being continued): decoded with
   *   the new ones, so a decoder that drops the leading space of the first token (SentencePiece) keeps it, but never
   *   emitted again
   */
  constructor(
    private readonly decodeIds: (ids: number[]) => string,
    context: readonly number[] = [],
  ) {
    this.ids.push(...context);
    this.readOffset = context.length;
  }

  /** Some tokenizers refuse to decode an empty list. */
  private decode(ids: number[]): string {
    return ids.length === 0 ? '' : this.decodeIds(ids);
  }

  /** Adds one token and returns the new text it completes (possibly empty). */
  push(id: number): string {
    this.ids.push(id);
    const emitted = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const current = this.decode(this.ids.slice(this.prefixOffset));
    if (current.length <= emitted.length || current.endsWith('\uFFFD')) return '';
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    return current.slice(emitted.length);
  }

  /** Text still held back at the end of the stream (an incomplete character decodes as U+FFFD). */
  flush(): string {
    const emitted = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const current = this.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return current.length > emitted.length ? current.slice(emitted.length) : '';
  }
}
