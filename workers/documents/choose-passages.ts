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

/** What the embedding model reads of a text: its tokens (special ones left out) and the most it takes at once. */
export interface EmbeddingWindow {
  tokens: (text: string) => number;
  maxTokens: number;
}

/** Ranking by meaning, and the window that passages must fit for it; each throws when the model cannot be used. */
export interface ByMeaning {
  window: () => Promise<EmbeddingWindow>;
  rank: RankByMeaning;
}

/**
 * Whether a question's files fit the context whole with the reply's room (`passages: null`), or else the passages that
 * best match the question and fit: by keywords and, with `rankByMeaning`, by meaning too. Only the system prompt and
 * the question count against the room: older turns are what fitting the context drops first when the prompt is sent.
 */
export async function choosePassages(
  params: ChoosePassagesParams,
  { context, promptTokens, textTokens }: PromptMeasures,
  byMeaning?: ByMeaning,
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
  let keywordsOnly: string | undefined;
  let window: EmbeddingWindow | undefined;
  if (byMeaning) {
    try {
      window = await byMeaning.window();
    } catch (error) {
      keywordsOnly = whyUnusable(error);
    }
    step('window');
  }
  chunks = chunkDocuments(params.documents, window ? fittingBoth(textTokens, window, passageTokens) : textTokens, passageTokens);
  step('split');
  const byKeywords = rankByKeywords(chunks, question.content);
  step('keywords');
  let ranking = byKeywords;
  if (byMeaning && window) {
    try {
      ranking = fuseRankings([byKeywords, await byMeaning.rank(chunks, question.content)]);
      step('meaning');
    } catch (error) {
      keywordsOnly = whyUnusable(error);
    }
  }
  // The tag and the blank line between passages count too (the id is at most two digits here); the text's tokens are
  // known from splitting, and counting each candidate's text again took most of a second for 100 pages.
  const picked = pickPassages(chunks, ranking, budget, (chunk) => chunk.tokens + textTokens(passageBlock({ ...chunk, text: '' }, 99)) + 2);
  step('pick');
  const passages = picked.map(({ name, page, section, text }) => ({ name, text, ...(page !== undefined ? { page } : {}), ...(section ? { section } : {}) }));
  return keywordsOnly === undefined ? { passages } : { passages, keywordsOnly };
}

/** Why the embedding model cannot be used, for the notice; a stop is no such reason and goes on up. */
function whyUnusable(error: unknown): string {
  if (isCancellation(error) || (error as Error | null)?.name === 'AbortError') throw error;
  return (error as Error | null)?.message || String(error);
}

/**
 * A passage's size for splitting when it must fit the embedding model's window too (which cuts off the rest of a
 * longer text, and with it what the passage says there): the larger of its chat tokens and its embedding tokens
 * scaled so that the window's size counts as `passageTokens`. A passage's recorded size is then this, so where the
 * embedding model counts more, fewer passages may be picked than would fit.
 */
function fittingBoth(textTokens: (text: string) => number, window: EmbeddingWindow, passageTokens: number): (text: string) => number {
  const scale = passageTokens / window.maxTokens;
  return (text) => Math.max(textTokens(text), Math.ceil(window.tokens(text) * scale));
}
