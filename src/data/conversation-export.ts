import { pathTo } from '../chat/message-tree';
import type { Conversation } from '../chat/types';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportFile } from './conversation-schema';

export function toExportFile(conversations: Conversation[], now = new Date()): ExportFile {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), conversations };
}

/** The branch on screen as a Markdown document. */
export function toMarkdown(conversation: Conversation): string {
  const parts = [`# ${conversation.title || 'Conversation'}`];
  if (conversation.model) parts.push(`Model: ${conversation.model.repo} (${conversation.model.device}, ${conversation.model.dtype})`);
  if (conversation.settings.systemPrompt.trim()) parts.push(`## System prompt\n\n${conversation.settings.systemPrompt}`);
  for (const message of pathTo(conversation.messages, conversation.leafId)) {
    parts.push(`## ${message.role === 'user' ? 'You' : 'Assistant'}\n\n${message.content}`);
  }
  return `${parts.join('\n\n')}\n`;
}
