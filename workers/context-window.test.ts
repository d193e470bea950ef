import { describe, expect, it } from 'vitest';
import { fitToContext } from './context-window';
import { EngineError, type ChatMessage } from './protocol';

/** One token per character of content plus two per message, like a template's role markers. */
const encode = (messages: ChatMessage[]) => messages.flatMap((m) => [0, ...[...m.content].map((c) => c.charCodeAt(0)), 1]);

const system: ChatMessage = { role: 'system', content: 'sys' };
const turn = (n: number): ChatMessage[] => [
  { role: 'user', content: `u${n}xxxxx` },
  { role: 'assistant', content: `a${n}yyyyy` },
];

describe('fitToContext', () => {
  it('keeps everything when it fits, and has no limit without a known context', () => {
    const messages = [system, ...turn(1), { role: 'user' as const, content: 'hi' }];
    expect(fitToContext(messages, encode, 100, 10)).toMatchObject({ messages, dropped: 0, maxNewTokens: 10 });
    expect(fitToContext(messages, encode, null, 5000)).toMatchObject({ messages, dropped: 0, maxNewTokens: 5000 });
  });

  it('drops the oldest whole turns, never the system prompt, until prompt plus reply fit', () => {
    const last: ChatMessage = { role: 'user', content: 'now' };
    const messages = [system, ...turn(1), ...turn(2), ...turn(3), last];
    // system 5 + each turn 18 + last 5 = 64 tokens; 20 new tokens need the prompt at 40 or less.
    const fitted = fitToContext(messages, encode, 60, 20);
    expect(fitted.messages).toEqual([system, ...turn(3), last]);
    expect(fitted.dropped).toBe(4);
    expect(fitted.ids).toEqual(encode(fitted.messages));
    expect(fitted.ids.length + fitted.maxNewTokens).toBeLessThanOrEqual(60);
  });

  it('starts the kept history with a user message even after several replies in a row', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'a'.repeat(10) },
      { role: 'assistant', content: 'b'.repeat(10) },
      { role: 'assistant', content: 'c'.repeat(10) },
      { role: 'user', content: 'd' },
    ];
    expect(fitToContext(messages, encode, 20, 10).messages).toEqual([{ role: 'user', content: 'd' }]);
  });

  it('lowers the reply limit when only the newest message is left and it still leaves some room', () => {
    const fitted = fitToContext([system, ...turn(1), { role: 'user', content: 'x'.repeat(20) }], encode, 30, 50);
    expect(fitted.dropped).toBe(2);
    expect(fitted.maxNewTokens).toBe(30 - fitted.ids.length);
  });

  it('refuses a message that cannot fit at all, with a clear error instead of a crash', () => {
    const attempt = () => fitToContext([system, { role: 'user', content: 'x'.repeat(200) }], encode, 100, 10);
    expect(attempt).toThrow(EngineError);
    expect(attempt).toThrow(/take 207 tokens, but the context holds 100/);
  });
});
