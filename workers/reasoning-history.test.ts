import { describe, expect, it } from 'vitest';
import { prepareHistory } from './reasoning-history';
import type { ChatMessage } from './protocol';

const history: ChatMessage[] = [
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: '<think>\nThe user greets me.\n</think>\n\nHello!' },
  { role: 'user', content: 'Again' },
];

describe('prepareHistory', () => {
  it('leaves earlier reasoning out for templates that know nothing of it', () => {
    expect(prepareHistory(history, '{{ messages }}')[1].content).toBe('Hello!');
    expect(prepareHistory([{ role: 'assistant', content: '<think>cut off' }], null)[0].content).toBe('');
  });

  it('hands reasoning to templates that handle </think> themselves (Qwen3, DeepSeek-R1)', () => {
    expect(prepareHistory(history, "{% set content = content.split('</think>')[-1] %}")).toEqual(history);
    expect(prepareHistory(history, { default: "split('</think>')" })).toEqual(history);
  });
});
