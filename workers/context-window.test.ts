import { describe, expect, it } from 'vitest';
import { fitToContext } from './context-window';
import { EngineError, type ChatMessage } from '../shared/protocol';

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

  it('renders a long chat a few times at about the size of the context, not once per dropped turn', () => {
    const long = [system, ...Array.from({ length: 2_000 }, (_, n) => turn(n)).flat(), { role: 'user' as const, content: 'last' }];
    const rendered: number[] = [];
    const counting = (messages: ChatMessage[]) => {
      rendered.push(messages.length);
      return encode(messages);
    };
    const fitted = fitToContext(long, counting, 200, 50);
    expect(fitted.ids.length + 50).toBeLessThanOrEqual(200);
    expect(rendered.length).toBeLessThan(30);
    expect(Math.max(...rendered), 'messages in the largest render').toBeLessThan(4 * fitted.messages.length);
  });

  it('keeps the same messages as dropping one turn at a time would, on random chats', () => {
    // The plain rule, one oldest turn at a time, as the reference.
    const oneByOne = (messages: ChatMessage[], contextLength: number, maxNewTokens: number) => {
      let turns = messages.slice(1);
      while (encode([system, ...turns]).length + maxNewTokens > contextLength && turns.length > 1) {
        let cut = 1;
        while (cut < turns.length - 1 && turns[cut].role !== 'user') cut++;
        turns = turns.slice(cut);
      }
      return messages.length - 1 - turns.length;
    };
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    for (let run = 0; run < 300; run++) {
      const messages: ChatMessage[] = [system];
      for (let index = 0, count = 1 + random(40); index < count; index++) {
        messages.push({ role: random(3) === 0 ? 'assistant' : 'user', content: 'x'.repeat(random(30)) });
      }
      const contextLength = 20 + random(400);
      const maxNewTokens = 1 + random(30);
      let expected: number | 'refused';
      try {
        expected = oneByOne(messages, contextLength, maxNewTokens);
        if (encode([system, ...messages.slice(1 + expected)]).length >= contextLength) expected = 'refused';
      } catch {
        expected = 'refused';
      }
      let actual: number | 'refused';
      try {
        actual = fitToContext(messages, encode, contextLength, maxNewTokens).dropped;
      } catch {
        actual = 'refused';
      }
      expect(actual, `run ${run}`).toBe(expected);
    }
  });
});
