import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureTokenizer } from '../scripts/fixtures/fixture-tokenizer.mjs';
import { chooseChatTemplate, foldForStrictTemplates, hasThinkingSwitch, renderChat } from './chat-template';
import { EngineError, type ChatMessage } from '../shared/protocol';

// The template Gemma 1 and 2 ship: no system turn, and roles must alternate, both enforced by raise_exception.
const GEMMA_TEMPLATE =
  "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}" +
  "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}" +
  "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";

const system = (content: string): ChatMessage => ({ role: 'system', content });
const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

describe('renderChat with real templates', () => {
  let tokenizer: PreTrainedTokenizer;
  let remove: () => Promise<void>;
  const render = (template?: string) => (messages: ChatMessage[]) =>
    tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true, ...(template ? { chat_template: template } : {}) });

  beforeAll(async () => {
    ({ tokenizer, remove } = await loadFixtureTokenizer());
  });
  afterAll(() => remove());

  it('leaves a conversation the template accepts as it is', () => {
    expect(renderChat(render(), [system('Be brief.'), user('Hi')])).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('folds the system prompt into the first user turn for a template that refuses system turns', () => {
    expect(renderChat(render(GEMMA_TEMPLATE), [system('Be brief.'), user('Hi'), assistant('Yo'), user('Bye')])).toBe(
      '<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nYo<end_of_turn>\n' +
        '<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n',
    );
  });

  it('joins two user turns in a row for a template that insists roles alternate', () => {
    expect(renderChat(render(GEMMA_TEMPLATE), [user('One'), user('Two')])).toBe(
      '<start_of_turn>user\nOne\n\nTwo<end_of_turn>\n<start_of_turn>model\n',
    );
  });

  it('reports what the template raised when folding cannot help', () => {
    const refusesAll = "{{ raise_exception('Only tools are supported') }}";
    expect(() => renderChat(render(refusesAll), [user('Hi')])).toThrow(
      new EngineError('generation-failed', "The model's chat template could not format this conversation: Only tools are supported"),
    );
  });
});

describe('foldForStrictTemplates', () => {
  it('puts a system prompt with no user turn yet into a user turn of its own', () => {
    expect(foldForStrictTemplates([system('Rules')])).toEqual([user('Rules')]);
  });

  it('drops an empty system prompt and does not change the messages it was given', () => {
    const messages = [system('  '), user('a'), assistant('b'), assistant('c')];
    expect(foldForStrictTemplates(messages)).toEqual([user('a'), assistant('b\n\nc')]);
    expect(messages[2]).toEqual(assistant('b'));
  });
});

describe('hasThinkingSwitch', () => {
  it('finds enable_thinking in a template, or in any of several named ones', () => {
    expect(hasThinkingSwitch("{%- if enable_thinking is defined and enable_thinking is false %}")).toBe(true);
    expect(hasThinkingSwitch({ default: '{{ messages }}', tool_use: '{{ enable_thinking }}' })).toBe(true);
    expect(hasThinkingSwitch(GEMMA_TEMPLATE)).toBe(false);
  });
});

describe('chooseChatTemplate', () => {
  it('prefers chat_template.jinja, then chat_template.json, then tokenizer_config.json', () => {
    expect(chooseChatTemplate('config', 'jinja', { chat_template: 'json' })).toBe('jinja');
    expect(chooseChatTemplate('config', null, { chat_template: 'json' })).toBe('json');
    expect(chooseChatTemplate('config', '  \n', { chat_template: 42 })).toBe('config');
    expect(chooseChatTemplate(undefined, null, null)).toBeNull();
  });
});
