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

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Text outside code: raw HTML shows as text (`&lt;`), and a line cannot start a heading of its own. */
function escapeProse(text: string): string {
  return text
    .split(/(`+[^`]*`+)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;')))
    .join('')
    .replace(/^( {0,3})#/gm, '$1\\#');
}

/**
 * Text the model or a person wrote, as a part of the exported document that stays inside its turn: no heading that
 * would pass for a turn ("## You"), no raw HTML a Markdown viewer would render, and a code block left open closed at
 * the end of the message, so it cannot swallow the turns after it. Code keeps its text as written.
 */
export function markdownBody(text: string): string {
  const lines: string[] = [];
  let prose: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const opening = FENCE.exec(line)?.[1];
    if (fence === null && opening) {
      if (prose.length > 0) lines.push(escapeProse(prose.join('\n')));
      lines.push(line);
      prose = [];
      fence = opening;
    } else if (fence !== null) {
      lines.push(line);
      if (opening?.[0] === fence[0] && opening.length >= fence.length && line.trim() === opening) fence = null;
    } else prose.push(line);
  }
  if (prose.length > 0) lines.push(escapeProse(prose.join('\n')));
  if (fence !== null) lines.push(fence);
  return lines.join('\n');
}

/** A name or a title on one line of the document. */
function markdownLine(text: string): string {
  return escapeProse(text.replace(/\s+/g, ' ').trim());
}

/** The branch on screen as a Markdown document. */
export function toMarkdown(conversation: Conversation): string {
  const parts = [`# ${markdownLine(conversation.title) || 'Conversation'}`];
  if (conversation.model) parts.push(`Model: ${markdownLine(`${conversation.model.repo} (${conversation.model.device}, ${conversation.model.dtype})`)}`);
  if (conversation.settings.systemPrompt.trim()) parts.push(`## System prompt\n\n${markdownBody(conversation.settings.systemPrompt)}`);
  for (const message of pathTo(conversation.messages, conversation.leafId)) {
    const files = message.attachments?.map((attachment) => `- ${markdownLine(attachment.name)}`).join('\n');
    parts.push(`## ${message.role === 'user' ? 'You' : 'Assistant'}\n\n${files ? `Attached files:\n${files}\n\n` : ''}${markdownBody(message.content)}`);
  }
  return `${parts.join('\n\n')}\n`;
}
