import { EngineError, type ChatMessage } from './protocol';

export interface FittedPrompt {
  messages: ChatMessage[];
  /** The token ids of `messages` as the chat template renders them, with the generation prompt. */
  ids: number[];
  /** How many of the oldest messages were left out. */
  dropped: number;
  /** The requested limit, lowered if the context has less room than that after the prompt. */
  maxNewTokens: number;
}

/**
 * Fits a conversation into a context window: while the prompt plus the tokens to generate would not fit, the oldest
 * turn goes (a user message with the replies that followed it), never the system prompt and never the newest message.
 * `encode` renders messages through the chat template, so the count is exact for this model.
 */
export function fitToContext(
  messages: ChatMessage[],
  encode: (messages: ChatMessage[]) => number[],
  contextLength: number | null,
  maxNewTokens: number,
): FittedPrompt {
  const system = messages[0]?.role === 'system' ? messages.slice(0, 1) : [];
  let turns = messages.slice(system.length);
  let dropped = 0;
  let ids = encode([...system, ...turns]);
  if (contextLength === null) return { messages, ids, dropped, maxNewTokens };

  while (ids.length + maxNewTokens > contextLength && turns.length > 1) {
    const cut = oldestTurnLength(turns);
    turns = turns.slice(cut);
    dropped += cut;
    ids = encode([...system, ...turns]);
  }
  const room = contextLength - ids.length;
  if (room < 1) {
    throw new EngineError(
      'prompt-too-long',
      `This message and the system prompt take ${ids.length} tokens, but the context holds ${contextLength}. ` +
        'Shorten the message or the system prompt, or raise the context limit in Settings.',
    );
  }
  return { messages: [...system, ...turns], ids, dropped, maxNewTokens: Math.min(maxNewTokens, room) };
}

/** The first message and everything up to the next user message, so the kept history starts with a user turn. */
function oldestTurnLength(turns: ChatMessage[]): number {
  let cut = 1;
  while (cut < turns.length - 1 && turns[cut].role !== 'user') cut++;
  return cut;
}
