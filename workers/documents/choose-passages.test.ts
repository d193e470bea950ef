import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/protocol';
import { choosePassages, type PromptMeasures } from './choose-passages';
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

/** The passages the ranking by meaning was given for `question`. */
async function passagesFor(question: string): Promise<string[]> {
  let seen: readonly Chunk[] = [];
  await choosePassages(
    { messages: [{ role: 'user', content: question }], documents: [{ name: 'book.pdf', text: book }], maxNewTokens: 100, embedding: null },
    measures,
    async (chunks) => {
      seen = chunks;
      return chunks.map((_, index) => index);
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
});
