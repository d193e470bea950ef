import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { DELTA_GAP_MS, DELTA_MAX_TOKENS, DeltaStreamer } from './token-streamer';

/** One token per character. */
const tokenizer = {
  all_special_ids: [],
  decode: (ids: number[]) => String.fromCodePoint(...ids),
} as unknown as PreTrainedTokenizer;

const tokens = (text: string) => [Array.from(text, (char) => BigInt(char.codePointAt(0)!))];

function streamer(options: { lead?: string } = {}) {
  let clock = 1000;
  const deltas: { text: string; generatedTokens: number }[] = [];
  const firstTokens: number[] = [];
  const stream = new DeltaStreamer(tokenizer, (text, generatedTokens) => deltas.push({ text, generatedTokens }), {
    ...options,
    onFirstToken: () => firstTokens.push(clock),
    now: () => clock,
  });
  stream.put(tokens('prompt'));
  return { stream, deltas, firstTokens, advance: (ms: number) => (clock += ms) };
}

describe('DeltaStreamer', () => {
  it('hands on the first token at once, then gathers tokens for the gap between deltas', () => {
    const { stream, deltas, firstTokens, advance } = streamer({ lead: '<think>\n' });
    stream.put(tokens('H'));
    expect(deltas).toEqual([{ text: '<think>\nH', generatedTokens: 1 }]);
    expect(firstTokens).toEqual([1000]);
    for (const char of 'el') {
      advance(DELTA_GAP_MS / 3);
      stream.put(tokens(char));
    }
    expect(deltas).toHaveLength(1);
    advance(DELTA_GAP_MS / 3);
    stream.put(tokens('l'));
    expect(deltas.at(-1)).toEqual({ text: 'ell', generatedTokens: 4 });
    stream.put(tokens('o'));
    stream.end();
    expect(deltas.at(-1)).toEqual({ text: 'o', generatedTokens: 5 });
    expect(deltas.map(({ text }) => text).join('')).toBe(stream.text);
    expect(stream.text).toBe('<think>\nHello');
  });

  it('holds back at most a few tokens from a fast model', () => {
    const { stream, deltas } = streamer();
    stream.put(tokens('Once upon a time'));
    expect(deltas.map(({ text }) => text)).toEqual(['O', 'nce ', 'upon', ' a t']);
    expect(deltas.slice(1).every(({ text }) => text.length === DELTA_MAX_TOKENS)).toBe(true);
    stream.end();
    expect(deltas.at(-1)).toEqual({ text: 'ime', generatedTokens: 16 });
  });

  it('hands on what it gathered when flushed (a reply that failed), and nothing twice', () => {
    const { stream, deltas } = streamer();
    stream.put(tokens('Hi there'));
    stream.flush();
    stream.flush();
    stream.end();
    expect(deltas.map(({ text }) => text)).toEqual(['H', 'i th', 'ere']);
  });

  it('holds nothing back when a model writes slower than the gap', () => {
    const { stream, deltas, advance } = streamer();
    for (const char of 'slow') {
      stream.put(tokens(char));
      advance(DELTA_GAP_MS);
    }
    expect(deltas.map(({ text }) => text)).toEqual(['s', 'l', 'o', 'w']);
  });
});
