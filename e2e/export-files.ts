/** Builds Airgap Chat export files (format version 1) for tests that import conversations. */
export interface TestMessage {
  id: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  status: 'done' | 'streaming' | 'interrupted';
  createdAt: number;
}

export function exportFileOf(conversation: {
  id: string;
  title: string;
  messages: Record<string, TestMessage>;
  leafId: string | null;
  systemPrompt?: string;
}) {
  const { systemPrompt = '', ...rest } = conversation;
  return {
    format: 'airgap-chat-conversations',
    version: 1,
    exportedAt: new Date(0).toISOString(),
    conversations: [{ createdAt: 1, updatedAt: 2, settings: { systemPrompt, overrides: {} }, model: null, ...rest }],
  };
}

/** A linear conversation from alternating turns, user first. */
export function linearConversation(id: string, title: string, contents: string[]) {
  const messages: Record<string, TestMessage> = {};
  let parentId: string | null = null;
  contents.forEach((content, index) => {
    const messageId = `m${index}`;
    messages[messageId] = { id: messageId, parentId, role: index % 2 === 0 ? 'user' : 'assistant', content, status: 'done', createdAt: index + 1 };
    parentId = messageId;
  });
  return { id, title, messages, leafId: parentId };
}

/**
 * A long conversation of `count` messages: alternating turns with Markdown replies (the first with math), where every
 * tenth reply also has a regenerated version next to it (so the branch on screen has version switchers), ending on the
 * newest branch.
 */
export function longConversation(id: string, title: string, count: number) {
  const messages: Record<string, TestMessage> = {};
  let parentId: string | null = null;
  for (let index = 0, stored = 0; stored < count; index++) {
    const role = index % 2 === 0 ? 'user' : 'assistant';
    const content =
      role === 'user'
        ? `Question ${index}: how does step ${index} work?`
        : `Step **${index}** works like this:\n\n- first \`part ${index}\`\n- then the *rest*\n\n${'Some more words. '.repeat(8)}` +
          (index === 1 ? ' With math: $x^2$.' : '');
    const message: TestMessage = { id: `m${index}`, parentId, role, content, status: 'done', createdAt: 2 * index + 1 };
    if (role === 'assistant' && index % 20 === 1 && stored + 2 < count) {
      messages[`m${index}-older`] = { ...message, id: `m${index}-older`, content: `An older version of reply ${index}.`, createdAt: 2 * index };
      stored++;
    }
    messages[message.id] = message;
    stored++;
    parentId = message.id;
  }
  return { id, title, messages, leafId: parentId };
}
