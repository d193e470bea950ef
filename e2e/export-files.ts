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
