import { describe, expect, it } from 'vitest';
import { IncrementalDetokenizer } from './text-stream';

/** A byte-level "tokenizer": each id is one UTF-8 byte, decoded like a real byte-level BPE decoder does. */
const decodeBytes = (ids: number[]) => {
  if (ids.length === 0) throw new Error('token_ids must be a non-empty array'); // as transformers.js does
  return new TextDecoder().decode(new Uint8Array(ids));
};

describe('IncrementalDetokenizer', () => {
  it('holds back a character split across tokens until it is complete', () => {
    const bytes = [...new TextEncoder().encode('a€b🙂')];
    const detokenizer = new IncrementalDetokenizer(decodeBytes);
    const deltas = bytes.map((id) => detokenizer.push(id));
    expect(deltas.join('') + detokenizer.flush()).toBe('a€b🙂');
    expect(deltas.every((delta) => !delta.includes('\uFFFD'))).toBe(true);
    expect(deltas.filter(Boolean)).toEqual(['a', '€', 'b', '🙂']);
  });

  it('flushes an incomplete trailing character as the replacement character', () => {
    const detokenizer = new IncrementalDetokenizer(decodeBytes);
    detokenizer.push(0x68);
    detokenizer.push(0xe2);
    expect(detokenizer.flush()).toBe('\uFFFD');
  });

  it('continues after text already shown, keeping the space a decoder drops at the start of a sequence', () => {
    const words = ['Hello', 'world', 'again'];
    const decode = (ids: number[]) => ids.map((id) => words[id]).join(' ');
    const fresh = new IncrementalDetokenizer(decode);
    expect([1, 2].map((id) => fresh.push(id)).join('')).toBe('world again');
    const continuing = new IncrementalDetokenizer(decode, [0]);
    expect([1, 2].map((id) => continuing.push(id)).join('') + continuing.flush()).toBe(' world again');
  });

  it('emits text that depends on later tokens (e.g. a space the decoder only adds mid-sentence)', () => {
    const words = ['Hello', 'world', 'again'];
    const decode = (ids: number[]) => ids.map((id) => words[id]).join(' ');
    const detokenizer = new IncrementalDetokenizer(decode);
    expect([0, 1, 2].map((id) => detokenizer.push(id)).join('')).toBe('Hello world again');
  });
});
