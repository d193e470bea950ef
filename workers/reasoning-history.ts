import { templateText } from './chat-template';
import type { ChatMessage } from '../shared/protocol';

const THINK_BLOCK = /<think>[\s\S]*?(?:<\/think>|$)\s*/g;

/**
 * Reasoning models (DeepSeek-R1, Qwen3) wrap their thoughts in <think>…</think>. Templates written for them decide
 * themselves what of it goes back into later turns (they split on "</think>"); for any other template the thoughts are
 * left out of earlier replies, as the model authors recommend.
 */
export function prepareHistory(messages: ChatMessage[], chatTemplate: unknown): ChatMessage[] {
  if (templateHandlesReasoning(chatTemplate)) return messages;
  return messages.map((message) =>
    message.role === 'assistant' && message.content.includes('<think>')
      ? { ...message, content: message.content.replace(THINK_BLOCK, '') }
      : message,
  );
}

function templateHandlesReasoning(chatTemplate: unknown): boolean {
  return templateText(chatTemplate).includes('</think>');
}

/**
 * Whether the rendered prompt leaves the reply inside an open <think> block: DeepSeek-R1's template (and Qwen3's
 * thinking variants) end the generation prompt with "<think>\n", so the model writes only the closing tag.
 */
export function promptOpensReasoning(promptTail: string): boolean {
  return /<think>\s*$/.test(promptTail);
}
