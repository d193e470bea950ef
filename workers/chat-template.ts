import { EngineError, type ChatMessage } from '../shared/protocol';

/**
 * The chat template a repository defines. Newer exports keep it in `chat_template.jinja` (or a processor's
 * `chat_template.json`) instead of `tokenizer_config.json`; as in Hugging Face transformers, the separate file wins.
 */
export function chooseChatTemplate(fromTokenizerConfig: unknown, jinjaFile: string | null, jsonFile: unknown): unknown {
  if (jinjaFile?.trim()) return jinjaFile;
  const fromJson = (jsonFile as { chat_template?: unknown } | null)?.chat_template;
  if (typeof fromJson === 'string' && fromJson.trim()) return fromJson;
  return fromTokenizerConfig ?? null;
}

/** The whole text of a template, or of all of a tokenizer's named templates, to look for what they use. */
export function templateText(chatTemplate: unknown): string {
  return typeof chatTemplate === 'string' ? chatTemplate : JSON.stringify(chatTemplate ?? '');
}

/** Whether the template lets the caller switch reasoning off (Qwen3's and SmolLM3's read `enable_thinking`). */
export function hasThinkingSwitch(chatTemplate: unknown): boolean {
  return templateText(chatTemplate).includes('enable_thinking');
}

export function noChatTemplate(repo: string): EngineError {
  return new EngineError(
    'no-chat-template',
    `“${repo}” has no chat template, so it is not set up for chat (it is probably a base model). ` +
      'Choose an instruction-tuned version of it; their names often end in -Instruct, -it or -chat.',
  );
}

/**
 * Renders a conversation with the model's template. Some templates refuse a system turn (Gemma) or two turns of the
 * same role in a row (Mistral, Gemma) by raising an exception; those get the conversation folded into the shape they
 * accept: the system prompt at the head of the first user message, consecutive turns of one role joined.
 */
export function renderChat<T>(render: (messages: ChatMessage[]) => T, messages: ChatMessage[]): T {
  try {
    return render(messages);
  } catch (error) {
    const folded = foldForStrictTemplates(messages);
    if (!sameMessages(folded, messages)) {
      try {
        return render(folded);
      } catch {
        // Report what the template said of the conversation as the user wrote it.
      }
    }
    throw new EngineError(
      'generation-failed',
      `The model's chat template could not format this conversation: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

export function foldForStrictTemplates(messages: ChatMessage[]): ChatMessage[] {
  const system = messages[0]?.role === 'system' ? messages[0].content.trim() : '';
  const rest = messages[0]?.role === 'system' ? messages.slice(1) : messages;
  const folded: ChatMessage[] = [];
  for (const message of rest) {
    const previous = folded.at(-1);
    if (previous?.role === message.role) previous.content = `${previous.content}\n\n${message.content}`;
    else folded.push({ ...message });
  }
  if (system) {
    const firstUser = folded.find((message) => message.role === 'user');
    if (firstUser) firstUser.content = `${system}\n\n${firstUser.content}`;
    else folded.unshift({ role: 'user', content: system });
  }
  return folded;
}

function sameMessages(a: ChatMessage[], b: ChatMessage[]): boolean {
  return a.length === b.length && a.every((message, index) => message.role === b[index].role && message.content === b[index].content);
}
