import { EngineError, type ChatMessage } from '../shared/protocol';

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
 *
 * The history to keep is searched from the newest end (keeping 1, 2, 4, … turns, then halving the gap), so a chat of
 * thousands of messages is rendered a few times at about the size of the context, never once per dropped turn.
 */
export function fitToContext(
  messages: ChatMessage[],
  encode: (messages: ChatMessage[]) => number[],
  contextLength: number | null,
  maxNewTokens: number,
): FittedPrompt {
  if (contextLength === null) return { messages, ids: encode(messages), dropped: 0, maxNewTokens };
  const system = messages[0]?.role === 'system' ? messages.slice(0, 1) : [];
  const turns = messages.slice(system.length);
  const starts = turnStarts(turns);
  const encoded = new Map<number, number[]>();
  const idsFrom = (start: number) => {
    let ids = encoded.get(start);
    if (!ids) {
      ids = encode([...system, ...turns.slice(start)]);
      encoded.set(start, ids);
    }
    return ids;
  };
  const fits = (index: number) => idsFrom(starts[index]).length + maxNewTokens <= contextLength;

  // The earliest start that fits (fewer turns never take more tokens): `fitting` fits, or is the last start anyway.
  let fitting = starts.length - 1;
  let step = 1;
  while (fitting > 0 && fits(Math.max(0, fitting - step))) {
    fitting = Math.max(0, fitting - step);
    step *= 2;
  }
  let tooEarly = Math.max(-1, fitting - step);
  while (fitting - tooEarly > 1) {
    const middle = Math.floor((fitting + tooEarly) / 2);
    if (fits(middle)) fitting = middle;
    else tooEarly = middle;
  }

  const ids = idsFrom(starts[fitting]);
  const room = contextLength - ids.length;
  if (room < 1) {
    throw new EngineError(
      'prompt-too-long',
      `This message and the system prompt take ${ids.length} tokens, but the context holds ${contextLength}. ` +
        'Shorten the message or the system prompt, or raise the context limit in Settings.',
    );
  }
  const dropped = starts[fitting];
  return { messages: [...system, ...turns.slice(dropped)], ids, dropped, maxNewTokens: Math.min(maxNewTokens, room) };
}

/**
 * Where the kept history may start: at the first message, then after each oldest turn in turn (the first message and
 * everything up to the next user message, so the kept history starts with a user turn), down to the newest message.
 */
function turnStarts(turns: ChatMessage[]): number[] {
  const starts = [0];
  for (let start = 0; turns.length - start > 1; ) {
    start++;
    while (start < turns.length - 1 && turns[start].role !== 'user') start++;
    starts.push(start);
  }
  return starts;
}

/** The lower of two limits, either of which may be unknown or unset. */
export function lowerLimit(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  return b === null || b === undefined ? a : Math.min(a, b);
}
