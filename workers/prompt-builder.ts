import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { renderChat } from './chat-template';
import { fitToContext } from './context-window';
import type { ChatMessage, LoadedModel } from '../shared/protocol';
import { prepareHistory, promptOpensReasoning } from './reasoning-history';

/** What a tokenizer must do for the prompt builder: transformers.js' tokenizer, or a test's stand-in. */
export type PromptTokenizer = Pick<PreTrainedTokenizer, 'apply_chat_template' | 'encode' | 'decode' | 'chat_template'>;

/** Variables for the chat template: the thinking switch, for templates that have one. */
export function templateOptionsFor(info: Pick<LoadedModel, 'thinkingSwitch'>, thinking: boolean | undefined): Record<string, unknown> {
  return info.thinkingSwitch && thinking !== undefined ? { enable_thinking: thinking } : {};
}

/** The prompt's token ids as the model's chat template renders it, ready for the assistant's reply. */
export function encodeChat(tokenizer: PromptTokenizer, messages: ChatMessage[], templateOptions: Record<string, unknown>): number[] {
  return renderChat(
    (turns) =>
      tokenizer.apply_chat_template(turns, {
        add_generation_prompt: true,
        tokenize: true,
        return_tensor: false,
        return_dict: false,
        ...templateOptions,
      }) as number[],
    messages,
  );
}

export interface BuiltPrompt {
  ids: number[];
  maxNewTokens: number;
  /** Oldest messages left out to fit the context. */
  dropped: number;
  /** The ids of a reply being continued, at the prompt's end (empty for a new reply). */
  continuedIds: number[];
  /** `<think>\n` when the template opened the reply inside a reasoning block the reply will not repeat. */
  lead: string;
}

/**
 * The token ids a reply starts from: the conversation through the model's chat template (with the thinking switch),
 * reasoning of earlier replies prepared as the template expects, a reply being continued placed after the generation
 * prompt, and the oldest turns left out until the prompt and `maxNewTokens` fit `context`.
 */
export function buildPrompt(
  tokenizer: PromptTokenizer,
  info: Pick<LoadedModel, 'thinkingSwitch'>,
  { messages, thinking, continueReply, maxNewTokens, context }: {
    messages: ChatMessage[];
    thinking?: boolean;
    continueReply?: boolean;
    maxNewTokens: number;
    context: number | null;
  },
): BuiltPrompt {
  const last = messages.at(-1);
  const continued = continueReply && last?.role === 'assistant' ? last.content : null;
  const history = prepareHistory(continued === null ? messages : messages.slice(0, -1), tokenizer.chat_template);
  const templateOptions = templateOptionsFor(info, thinking);
  const render = (turns: ChatMessage[]) => encodeChat(tokenizer, turns, templateOptions);
  // DeepSeek-R1's template (and Qwen3's thinking ones) end the generation prompt inside an open <think> block.
  const opensReasoning = (ids: number[]) => promptOpensReasoning(tokenizer.decode(ids.slice(-8)));
  // A reply being continued goes after the generation prompt, as if the model had just written it (less the
  // opening <think> the prompt already has). Only then is the prompt rendered once more on its own, to see its end.
  const continuedIds =
    continued === null
      ? []
      : tokenizer.encode(opensReasoning(render(history)) ? continued.replace(/^\s*<think>\n?/, '') : continued, {
          add_special_tokens: false,
        });
  const prompt = fitToContext(history, (turns) => [...render(turns), ...continuedIds], context, maxNewTokens);
  // A reply the template opened inside <think> is shown (and kept) with its opening tag, like any other reasoning.
  const lead = continued === null && opensReasoning(prompt.ids) ? '<think>\n' : '';
  return { ...prompt, continuedIds, lead };
}
