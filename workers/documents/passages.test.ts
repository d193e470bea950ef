import { describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/protocol';
import { choosePassages } from './choose-passages';
import { chunkDocuments, fuseRankings, pickPassages, rankByKeywords, rankByVectors, type Chunk } from './passages';

/** One token per word, as a stand-in for a tokenizer. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

const book = {
  name: 'book.pdf',
  text: Array.from({ length: 40 }, (_, index) =>
    index === 22
      ? '[Page 23]\nThe lighthouse keeper keeps the spare key under the green stone.'
      : `[Page ${index + 1}]\nThe road goes on past fields and farms, day ${index + 1} of the walk.`,
  ).join('\n\n'),
};

describe('chunkDocuments', () => {
  it('keeps each passage on one page and under one heading, and splits a long paragraph at sentences', () => {
    const notes = {
      name: 'notes.md',
      text: '# Intro\nOne two three.\n\nFour five six.\n\n## Results\nSeven eight. Nine ten. Eleven twelve.',
    };
    const chunks = chunkDocuments([notes, { name: 'b.pdf', text: '[Page 1]\nAlpha beta.\n\n[Page 2]\nGamma delta.' }], words, 6);
    expect(chunks.map(({ name, page, section, text }) => ({ name, page, section, text }))).toEqual([
      { name: 'notes.md', page: undefined, section: 'Intro', text: '# Intro\nOne two three.' },
      { name: 'notes.md', page: undefined, section: 'Intro', text: 'Four five six.' },
      { name: 'notes.md', page: undefined, section: 'Results', text: '## Results\nSeven eight. Nine ten.' },
      { name: 'notes.md', page: undefined, section: 'Results', text: 'Eleven twelve.' },
      { name: 'b.pdf', page: 1, section: undefined, text: 'Alpha beta.' },
      { name: 'b.pdf', page: 2, section: undefined, text: 'Gamma delta.' },
    ]);
    expect(chunks.map((chunk) => chunk.order)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(chunks.every((chunk) => chunk.tokens <= 6)).toBe(true);
  });

  it('starts a passage with the short paragraph before the cut, so what spans it is whole once', () => {
    const chunks = chunkDocuments([{ name: 'a.txt', text: 'a b c d e f\n\ng h\n\ni j k l m n' }], words, 9);
    expect(chunks.map((chunk) => chunk.text)).toEqual(['a b c d e f\n\ng h', 'g h\n\ni j k l m n']);
  });
});

describe('rankByKeywords and pickPassages', () => {
  it('ranks the passage with the question’s words first, and picks what fits the budget in the file’s order', () => {
    const chunks = chunkDocuments([book], words, 50);
    expect(chunks).toHaveLength(40);
    const ranking = rankByKeywords(chunks, 'Where does the lighthouse keeper keep the key?');
    expect(chunks[ranking[0]].page).toBe(23);
    const picked = pickPassages(chunks, ranking, 40, (chunk) => chunk.tokens);
    expect(picked.map((chunk) => chunk.page)).toContain(23);
    expect(picked.reduce((sum, chunk) => sum + chunk.tokens, 0)).toBeLessThanOrEqual(40);
    expect(picked.map((chunk) => chunk.order)).toEqual([...picked.map((chunk) => chunk.order)].sort((a, b) => a - b));
    // No word in common: the files from their beginning.
    expect(pickPassages(chunks, rankByKeywords(chunks, 'xylophone'), 30, (chunk) => chunk.tokens).map((chunk) => chunk.page)).toEqual([1, 2]);
  });
});

describe('choosePassages', () => {
  const measures = (context: number | null) => ({
    context,
    promptTokens: (messages: { content: string }[]) => messages.reduce((sum, message) => sum + words(message.content) + 4, 0),
    textTokens: words,
  });
  /** An embedding model that counts a word a token, as the chat model here does. */
  const wordWindow = (maxTokens: number) => ({ tokens: words, maxTokens });
  const params = (maxNewTokens: number, question = 'Where is the spare key of the lighthouse?') => ({
    messages: [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hello' },
      { role: 'assistant' as const, content: 'Hi' },
      { role: 'user' as const, content: question },
    ],
    documents: [book],
    maxNewTokens,
    embedding: null,
  });

  it('sends the files whole when they fit with the reply’s room, or when the context is not known', async () => {
    expect(await choosePassages(params(100), measures(2000))).toEqual({ passages: null });
    expect(await choosePassages(params(100), measures(null))).toEqual({ passages: null });
  });

  it('otherwise chooses passages that fit, the best match among them', async () => {
    const { passages } = await choosePassages(params(100), measures(400));
    // Only page 23 has a telling word of the question ("the", "of" and "is" are in most passages, so they do not count).
    expect(passages!.map((passage) => [passage.page, passage.text])).toEqual([[23, 'The lighthouse keeper keeps the spare key under the green stone.']]);
  });

  it('ranks by meaning too: a passage no word of the question is in can win', async () => {
    // Only page 7 "means" the question; none of its words are in it.
    const rank = async (chunks: readonly Chunk[]) => chunks.filter((chunk) => chunk.page === 7).map((chunk) => chunk.order);
    const { passages } = await choosePassages(params(20, 'xylophone quartet'), measures(110), { window: async () => wordWindow(512), rank });
    expect(passages!.map((passage) => passage.page)).toEqual([7]);
  });

  it('falls back to keywords, saying why, when the embedding model cannot be used', async () => {
    const failing = async (): Promise<never> => {
      throw new Error('The hub could not be reached.');
    };
    for (const byMeaning of [{ window: failing, rank: failing }, { window: async () => wordWindow(512), rank: failing }]) {
      const chosen = await choosePassages(params(100), measures(400), byMeaning);
      expect(chosen.keywordsOnly).toBe('The hub could not be reached.');
      expect(chosen.passages!.some((passage) => passage.page === 23)).toBe(true);
    }
  });

  it('says so when the reply’s room leaves none for passages', async () => {
    await expect(choosePassages(params(380), measures(400))).rejects.toThrow(EngineError);
    await expect(choosePassages(params(380), measures(400))).rejects.toThrow(/leaves no room for passages/);
  });
});

describe('fuseRankings and rankByVectors', () => {
  it('puts what both rankings like first, and leaves out passages unrelated by meaning', () => {
    expect(fuseRankings([[3, 1, 2], [1, 0]])).toEqual([1, 3, 0, 2]);
    expect(rankByVectors([1, 0], [[0.6, 0.8], [0, 1], [1, 0], [-1, 0], [Number.NaN, Number.NaN]])).toEqual([2, 0]);
  });
});
