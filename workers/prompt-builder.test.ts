import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../shared/protocol';
import { buildPrompt, type PromptTokenizer } from './prompt-builder';

/**
 * A tokenizer of one token per character and a ChatML-like template, as text: `<user>Hi</user><assistant>`. With
 * `opensThinking`, the generation prompt ends inside `<think>\n`, as DeepSeek-R1's does; the thinking switch, when
 * passed, is written into the prompt so a test can see it.
 */
function tokenizer({ opensThinking = false, template = 'chatml' } = {}): PromptTokenizer & { text: (ids: number[]) => string } {
  const encode = (text: string) => Array.from(text, (char) => char.codePointAt(0)!);
  const decode = (ids: number[]) => String.fromCodePoint(...ids);
  return {
    chat_template: template,
    encode: ((text: string) => encode(text)) as PromptTokenizer['encode'],
    decode: ((ids: number[]) => decode(ids)) as PromptTokenizer['decode'],
    apply_chat_template: ((messages: ChatMessage[], options: Record<string, unknown>) => {
      const turns = messages.map((message) => `<${message.role}>${message.content}</${message.role}>`).join('');
      const switchText = options.enable_thinking === undefined ? '' : `[thinking ${options.enable_thinking}]`;
      return encode(`${turns}${switchText}<assistant>${opensThinking ? '<think>\n' : ''}`);
    }) as PromptTokenizer['apply_chat_template'],
    text: decode,
  };
}

const hi: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
const build = (t: ReturnType<typeof tokenizer>, options: Partial<Parameters<typeof buildPrompt>[2]> = {}, thinkingSwitch = false) =>
  buildPrompt(t, { thinkingSwitch }, { messages: hi, maxNewTokens: 4, context: null, ...options });

describe('buildPrompt', () => {
  it('renders the conversation through the template, ready for the reply', () => {
    const t = tokenizer();
    const prompt = build(t);
    expect(t.text(prompt.ids)).toBe('<user>Hi</user><assistant>');
    expect(prompt).toMatchObject({ dropped: 0, maxNewTokens: 4, continuedIds: [], lead: '' });
  });

  it('passes the thinking switch only to templates that have one', () => {
    const t = tokenizer();
    expect(t.text(build(t, { thinking: false }, true).ids)).toContain('[thinking false]');
    expect(t.text(build(t, { thinking: false }, false).ids)).not.toContain('[thinking');
    expect(t.text(build(t, {}, true).ids)).not.toContain('[thinking');
  });

  it('puts a reply being continued after the generation prompt, without repeating the <think> the prompt opened', () => {
    const plain = tokenizer();
    const continued = build(plain, { messages: [...hi, { role: 'assistant', content: 'Hel' }], continueReply: true });
    expect(plain.text(continued.ids)).toBe('<user>Hi</user><assistant>Hel');
    expect(plain.text(continued.continuedIds)).toBe('Hel');

    const reasoning = tokenizer({ opensThinking: true });
    const thinking = build(reasoning, { messages: [...hi, { role: 'assistant', content: '<think>\nHmm' }], continueReply: true });
    expect(reasoning.text(thinking.ids)).toBe('<user>Hi</user><assistant><think>\nHmm');
    expect(thinking.lead, 'a continued reply already shows its <think>').toBe('');
  });

  it('shows a reply the template opened inside <think> with its opening tag', () => {
    expect(build(tokenizer({ opensThinking: true })).lead).toBe('<think>\n');
  });

  it('leaves out the oldest turns, never the system prompt, until the prompt and the reply fit the context', () => {
    const t = tokenizer();
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Next' },
    ];
    const prompt = build(t, { messages, context: 60, maxNewTokens: 10 });
    expect(t.text(prompt.ids)).toBe('<system>Be brief.</system><user>Next</user><assistant>');
    expect(prompt.dropped).toBe(2);
    expect(prompt.ids.length + prompt.maxNewTokens).toBeLessThanOrEqual(60);
  });

  it('drops reasoning from earlier replies unless the template handles it', () => {
    const messages: ChatMessage[] = [...hi, { role: 'assistant', content: '<think>\nsecret plan</think>Hello' }, { role: 'user', content: 'And?' }];
    expect(tokenizer().text(build(tokenizer(), { messages }).ids)).not.toContain('secret plan');
    const aware = tokenizer({ template: "{{ content.split('</think>')[-1] }}" });
    expect(aware.text(build(aware, { messages }).ids)).toContain('secret plan');
  });
});
