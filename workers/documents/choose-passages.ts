import { EngineError, isCancellation, type ChatMessage, type ChoosePassagesParams, type ChosenPassages } from '../../shared/protocol';
import { passageBlock, withDocuments } from '../../shared/document-prompt';
import { chunkDocuments, fuseRankings, pickPassages, rankByKeywords, type Chunk } from './passages';

/** A passage is at most this share of the room for passages, so several of them fit, and never above MAX_PASSAGE_TOKENS. */
const PASSAGES_AT_LEAST = 4;
const MAX_PASSAGE_TOKENS = 400;
const MIN_PASSAGE_TOKENS = 48;

export interface PromptMeasures {
  /** The model's context, or null when it is not known (then the files go whole). */
  context: number | null;
  /** Tokens of a prompt as the chat template renders it. */
  promptTokens: (messages: ChatMessage[]) => number;
  /** Tokens of a piece of text. */
  textTokens: (text: string) => number;
}

/** Ranks passages by meaning (an embedding model); throws when that model cannot be used. */
export type RankByMeaning = (chunks: readonly Chunk[], question: string) => Promise<number[]>;

/**
 * Whether a question's files fit the context whole with the reply's room (`passages: null`), or else the passages that
 * best match the question and fit: by keywords and, with `rankByMeaning`, by meaning too. Only the system prompt and
 * the question count against the room: older turns are what fitting the context drops first when the prompt is sent.
 */
export async function choosePassages(
  params: ChoosePassagesParams,
  { context, promptTokens, textTokens }: PromptMeasures,
  rankByMeaning?: RankByMeaning,
): Promise<ChosenPassages> {
  const question = params.messages.at(-1);
  if (context === null || !question || params.documents.length === 0) return { passages: null };
  // Each step goes on the performance timeline (`passages:*`, with the passage count), for `npm run bench:documents`.
  let started = performance.now();
  let chunks: Chunk[] = [];
  const step = (name: string) => {
    performance.measure(`passages:${name}`, { start: started, detail: { passages: chunks.length } });
    started = performance.now();
  };
  const system = params.messages[0]?.role === 'system' ? [params.messages[0]] : [];
  const size = (content: string) => promptTokens([...system, { role: 'user', content }]);
  const room = context - params.maxNewTokens;
  const whole = size(withDocuments(question.content, params.documents));
  step('whole');
  if (whole <= room) return { passages: null };

  const budget = room - size(withDocuments(question.content, undefined, []));
  if (budget < MIN_PASSAGE_TOKENS) {
    throw new EngineError(
      'prompt-too-long',
      `The attached files are too long for this model's context of ${context} tokens, and the question with the reply's room (${params.maxNewTokens} tokens) leaves no room for passages from them. ` +
        'Lower Max new tokens or shorten the system prompt, or use a model with a longer context.',
    );
  }
  // Passages are sized from the room without the question, so every question about the same files (and preparing them
  // before any question) splits them alike and finds their vectors kept; the question's own length bounds the picking.
  const roomForPassages = room - size(withDocuments('', undefined, []));
  const passageTokens = Math.max(MIN_PASSAGE_TOKENS, Math.min(MAX_PASSAGE_TOKENS, Math.floor(roomForPassages / PASSAGES_AT_LEAST)));
  chunks = chunkDocuments(params.documents, textTokens, passageTokens);
  step('split');
  const byKeywords = rankByKeywords(chunks, question.content);
  step('keywords');
  let ranking = byKeywords;
  let keywordsOnly: string | undefined;
  if (rankByMeaning) {
    try {
      ranking = fuseRankings([byKeywords, await rankByMeaning(chunks, question.content)]);
      step('meaning');
    } catch (error) {
      if (isCancellation(error) || (error as Error | null)?.name === 'AbortError') throw error;
      keywordsOnly = (error as Error | null)?.message || String(error);
    }
  }
  // The tag and the blank line between passages count too (the id is at most two digits here); the text's tokens are
  // known from splitting, and counting each candidate's text again took most of a second for 100 pages.
  const picked = pickPassages(chunks, ranking, budget, (chunk) => chunk.tokens + textTokens(passageBlock({ ...chunk, text: '' }, 99)) + 2);
  step('pick');
  const passages = picked.map(({ name, page, section, text }) => ({ name, text, ...(page !== undefined ? { page } : {}), ...(section ? { section } : {}) }));
  return keywordsOnly === undefined ? { passages } : { passages, keywordsOnly };
}
