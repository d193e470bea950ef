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

export function toExportFile(conversations: Conversation[], now = new Date()): ExportFile {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), conversations };
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
