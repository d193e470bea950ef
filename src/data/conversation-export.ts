import { pathTo } from '../chat/message-tree';
import type { Conversation } from '../chat/types';

/** The file format of exported conversations. Bump `version` when its meaning changes and keep reading the old one. */
export const EXPORT_FORMAT = 'airgap-chat-conversations';
export const EXPORT_VERSION = 1;

/**
 * An export file. Reading one back goes through the schema in conversation-schema.ts (loaded only for an import);
 * writing one needs only this.
 */
export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  conversations: Conversation[];
}

/**
 * An export of `conversations`. Files attached to messages (and passages taken from them) go in only `withFiles`: a
 * chat shared as a file should not carry a contract or a medical letter unless that was asked for.
 */
export function toExportFile(conversations: Conversation[], { withFiles = false, now = new Date() } = {}): ExportFile {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    conversations: withFiles ? conversations : conversations.map(withoutFiles),
  };
}

function withoutFiles(conversation: Conversation): Conversation {
  const messages = Object.fromEntries(
    Object.entries(conversation.messages).map(([id, { attachments: _files, passages: _passages, ...message }]) => [id, message]),
  );
  return { ...conversation, messages };
}

/** The branch on screen as a Markdown document. */
export function toMarkdown(conversation: Conversation): string {
  const parts = [`# ${conversation.title || 'Conversation'}`];
  if (conversation.model) parts.push(`Model: ${conversation.model.repo} (${conversation.model.device}, ${conversation.model.dtype})`);
  if (conversation.settings.systemPrompt.trim()) parts.push(`## System prompt\n\n${conversation.settings.systemPrompt}`);
  for (const message of pathTo(conversation.messages, conversation.leafId)) {
    const files = message.attachments?.map((attachment) => `- ${attachment.name}`).join('\n');
    parts.push(`## ${message.role === 'user' ? 'You' : 'Assistant'}\n\n${files ? `Attached files:\n${files}\n\n` : ''}${message.content}`);
  }
  return `${parts.join('\n\n')}\n`;
}
