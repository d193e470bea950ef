import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/protocol';
import { choosePassages, type EmbeddingWindow, type PromptMeasures } from './choose-passages';
import type { Chunk } from './passages';

/** A word a token, and a chat template that adds nothing: enough to reason about sizes. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const measures: PromptMeasures = {
  context: 600,
  promptTokens: (messages: ChatMessage[]) => messages.reduce((sum, message) => sum + words(message.content), 0),
  textTokens: words,
};

// Each page one paragraph of short sentences: where a passage ends depends on its exact size.
const book = Array.from({ length: 40 }, (_, page) => `[Page ${page + 1}]\n${`Walkers passed field ${page} today. `.repeat(60)}`).join('\n\n');

/** An embedding model that counts a word a token, as the chat model here does, and reads 512 at most. */
const wordWindow: EmbeddingWindow = { tokens: words, maxTokens: 512 };

/** The passages the ranking by meaning was given for `question`. */
async function passagesFor(question: string, window = wordWindow): Promise<string[]> {
  let seen: readonly Chunk[] = [];
  await choosePassages(
    { messages: [{ role: 'user', content: question }], documents: [{ name: 'book.pdf', text: book }], maxNewTokens: 100, embedding: null },
    measures,
    {
      window: async () => window,
      rank: async (chunks) => {
        seen = chunks;
        return chunks.map((_, index) => index);
      },
    },
  );
  return seen.map((chunk) => chunk.text);
}

describe('choosePassages', () => {
  it('splits the same files alike for any question, and for none (files prepared before the question), so kept vectors are found', async () => {
    const unasked = await passagesFor('');
    expect(unasked.length).toBeGreaterThan(10);
    expect(await passagesFor('Where?')).toEqual(unasked);
    expect(await passagesFor('Which of the many fields along the long walk did the walkers pass on the morning of the third day?')).toEqual(unasked);
  });

  it('cuts passages the embedding model reads whole, when it counts more tokens than the chat model', async () => {
    const longest = (texts: string[]) => Math.max(...texts.map(words));
    expect(longest(await passagesFor('')), 'sized by the chat model alone').toBeGreaterThan(30);
    // This embedding model counts three tokens a word and reads 60 at most: 20 words.
    const tight: EmbeddingWindow = { tokens: (text) => 3 * words(text), maxTokens: 60 };
    const passages = await passagesFor('', tight);
    expect(passages.length).toBeGreaterThan(0);
    for (const text of passages) expect(tight.tokens(text), text).toBeLessThanOrEqual(tight.maxTokens);
  });
});
