import MiniSearch from 'minisearch';
import type { DocumentText, Passage } from '../../shared/protocol';

/** A passage with its place among all the passages of a question's files, and its length in the model's tokens. */
export interface Chunk extends Passage {
  order: number;
  tokens: number;
  /** Which of the documents it is from (their index). */
  from: number;
}

interface Paragraph {
  text: string;
  page?: number;
  section?: string;
}

const PAGE_MARK = /^\[Page (\d+)\]$/;
const HEADING = /^#{1,6}\s+(.+?)\s*#*$/;

/** A file's paragraphs (split at blank lines, a PDF's page marks and Markdown headings), each with its page and section. */
function paragraphsOf(document: DocumentText): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let page: number | undefined;
  let section: string | undefined;
  let lines: string[] = [];
  const end = () => {
    const text = lines.join('\n').trim();
    if (text) paragraphs.push({ text, ...(page !== undefined ? { page } : {}), ...(section ? { section } : {}) });
    lines = [];
  };
  for (const line of document.text.split('\n')) {
    const pageMark = PAGE_MARK.exec(line.trim());
    if (pageMark) {
      end();
      page = Number(pageMark[1]);
      continue;
    }
    const heading = HEADING.exec(line.trim());
    if (heading) {
      end();
      section = heading[1];
    }
    if (line.trim() === '') end();
    else lines.push(line);
  }
  end();
  return paragraphs;
}

interface Piece {
  text: string;
  tokens: number;
}

/**
 * A paragraph in pieces of at most `maxTokens`: whole sentences where they fit, else runs of words. A piece's tokens
 * are the sum of its sentences' (within a token or two of counting the piece whole): counting each growing piece
 * again made splitting quadratic, 1.5 s for 100 pages.
 */
function split(text: string, count: (text: string) => number, maxTokens: number): Piece[] {
  const units = text.split(/(?<=[.!?])\s+/).flatMap((sentence) => {
    const tokens = count(sentence);
    return tokens > maxTokens ? sentence.split(/\s+/).map((word) => ({ text: word, tokens: count(word) })) : [{ text: sentence, tokens }];
  });
  const pieces: Piece[] = [];
  let current: Piece | null = null;
  for (const unit of units) {
    if (current && current.tokens + unit.tokens > maxTokens) {
      pieces.push(current);
      current = null;
    }
    current = current ? { text: `${current.text} ${unit.text}`, tokens: current.tokens + unit.tokens } : { ...unit };
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Splits files into passages of at most about `maxTokens` tokens: consecutive paragraphs of one page and one section
 * go together, a passage never spans two pages or sections (so it can be cited by them), and a passage after the
 * first of its page or section starts with the previous passage's last paragraph when that is short, so a fact that
 * spans the cut is whole in one of them.
 */
export function chunkDocuments(documents: readonly DocumentText[], count: (text: string) => number, maxTokens: number): Chunk[] {
  const chunks: Chunk[] = [];
  documents.forEach((document, from) => {
    let pieces: Piece[] = [];
    let place: Paragraph | null = null;
    const tokensOf = (list: readonly Piece[]) => list.reduce((sum, piece) => sum + piece.tokens, 0);
    const close = () => {
      if (!place || pieces.length === 0) return;
      const { page, section } = place;
      const text = pieces.map((piece) => piece.text).join('\n\n');
      chunks.push({ name: document.name, ...(page !== undefined ? { page } : {}), ...(section ? { section } : {}), text, order: chunks.length, tokens: tokensOf(pieces), from });
    };
    for (const paragraph of paragraphsOf(document)) {
      for (const piece of split(paragraph.text, count, maxTokens)) {
        const samePlace = place !== null && place.page === paragraph.page && place.section === paragraph.section;
        if (samePlace && pieces.length > 0 && tokensOf(pieces) + piece.tokens <= maxTokens) {
          pieces.push(piece);
          continue;
        }
        const last = samePlace ? pieces.at(-1) : undefined;
        close();
        const carry = last !== undefined && last.tokens <= maxTokens / 3 && last.tokens + piece.tokens <= maxTokens;
        pieces = carry ? [last, piece] : [piece];
        place = paragraph;
      }
    }
    close();
  });
  return chunks;
}

/**
 * The passages' `order`s, best match for `question` first (BM25 on words, also a section's and a file's name). A word
 * in more than half of the passages ("the", "und", "的") says nothing about which one answers, and fusing rankings counts
 * places, not scores: such words are left out of the query rather than let every passage match.
 */
export function rankByKeywords(chunks: readonly Chunk[], question: string): number[] {
  const index = new MiniSearch<Chunk>({ idField: 'order', fields: ['text', 'section', 'name'], storeFields: [] });
  index.addAll(chunks);
  const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
  const telling = [...new Set(tokenize(question).map((term) => term.toLowerCase()))].filter(
    (term) => term !== '' && index.search(term, { prefix: false, fuzzy: false }).length <= Math.max(1, chunks.length / 2),
  );
  if (telling.length === 0) return [];
  return index.search(telling.join(' '), { boost: { section: 2 }, prefix: (term) => term.length > 3, fuzzy: 0.1 }).map((result) => result.id as number);
}

/**
 * One ranking from several (reciprocal rank fusion, k = 60 as Cormack, Clarke and Büttcher proposed): a passage high in
 * either ranking rises, one high in both rises most, and scores on different scales need no weighing against each other.
 */
export function fuseRankings(rankings: readonly (readonly number[])[]): number[] {
  const scores = new Map<number, number>();
  for (const ranking of rankings) ranking.forEach((order, rank) => scores.set(order, (scores.get(order) ?? 0) + 1 / (61 + rank)));
  return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([order]) => order);
}

/** The passages' `order`s by the cosine of their vectors with the question's, best first; unrelated ones (≤ 0) left out. */
export function rankByVectors(question: readonly number[], passages: readonly (readonly number[])[]): number[] {
  const cosine = (vector: readonly number[]) => vector.reduce((sum, value, index) => sum + value * question[index], 0);
  return passages
    .map((vector, order) => ({ order, score: cosine(vector) }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ order }) => order);
}

/**
 * The passages to send: the best ranked first while their cost (`costOf`, in tokens) fits `budget` — or, when nothing
 * in the files matches the question, the files from their beginning —, returned in the files' order.
 */
export function pickPassages(chunks: readonly Chunk[], ranking: readonly number[], budget: number, costOf: (chunk: Chunk) => number): Chunk[] {
  const picked = new Set<number>();
  let left = budget;
  for (const order of ranking.length > 0 ? ranking : chunks.map((chunk) => chunk.order)) {
    const cost = costOf(chunks[order]);
    if (cost > left) continue;
    picked.add(order);
    left -= cost;
  }
  return chunks.filter((chunk) => picked.has(chunk.order));
}
