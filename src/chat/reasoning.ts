/** A reply split into the model's reasoning (inside <think>…</think>) and its answer. */
export interface ReplyParts {
  /** null when the reply has no reasoning. */
  reasoning: string | null;
  answer: string;
  /** The reasoning is still being written (no closing tag yet). */
  thinking: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Reasoning models (DeepSeek-R1, Qwen3) think first, inside <think>…</think>. Some templates put the opening tag into
 * the prompt, so a reply may start straight with the thoughts and show only the closing tag.
 */
export function splitReasoning(content: string): ReplyParts {
  const start = content.trimStart();
  const close = content.indexOf(CLOSE);
  if (start.startsWith(OPEN)) {
    const body = start.slice(OPEN.length);
    const end = body.indexOf(CLOSE);
    if (end === -1) return { reasoning: body.trim(), answer: '', thinking: true };
    return { reasoning: body.slice(0, end).trim(), answer: body.slice(end + CLOSE.length).trimStart(), thinking: false };
  }
  if (close !== -1 && !content.slice(0, close).includes(OPEN)) {
    return { reasoning: content.slice(0, close).trim(), answer: content.slice(close + CLOSE.length).trimStart(), thinking: false };
  }
  return { reasoning: null, answer: content, thinking: false };
}
