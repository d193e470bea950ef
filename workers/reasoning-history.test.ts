import { describe, expect, it } from 'vitest';
import { prepareHistory, promptOpensReasoning } from './reasoning-history';
import type { ChatMessage } from '../shared/protocol';

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

describe('promptOpensReasoning', () => {
  it('sees a generation prompt that opens the reasoning for the model', () => {
    expect(promptOpensReasoning('<｜Assistant｜><think>\n')).toBe(true);
    expect(promptOpensReasoning('<|im_start|>assistant\n<think>')).toBe(true);
  });

  it('does not when thinking is switched off or the template knows no reasoning', () => {
    expect(promptOpensReasoning('<|im_start|>assistant\n<think>\n\n</think>\n\n')).toBe(false);
    expect(promptOpensReasoning('<|im_start|>assistant\n')).toBe(false);
  });
});
