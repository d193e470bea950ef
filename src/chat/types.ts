import type { Device, Dtype, GenerationSettings, GenerationStats, Passage } from '../../shared/protocol';
import type { DocumentKind } from '../documents/document-kinds';

/**
 * `streaming` while being written; `interrupted` when the page went away while it was (what was written is kept);
 * `stopped` when the person stopped it; `error` when generation failed.
 */
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/** One message of a conversation tree: every message knows its parent, so edits and regenerations are branches. */
export interface StoredMessage {
  id: string;
  /** null for the first message of a branch that starts the conversation. */
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  createdAt: number;
  stats?: GenerationStats;
  /** Oldest messages left out of this reply's prompt to fit the context. */
  droppedMessages?: number;
  /** Files attached to a user message, read into text in the tab. */
  attachments?: Attachment[];
  /** When the files were too long for the context: the parts of them the model was given instead, in their order. */
  passages?: Passage[];
}

/** A file attached to a message: its name and size as it was, and its text as the model reads it. */
export interface Attachment {
  id: string;
  name: string;
  kind: DocumentKind;
  /** The file's size in bytes. */
  size: number;
  text: string;
  /** A PDF's page count (its text marks where each page starts: "[Page 3]"). */
  pages?: number;
}

export interface ConversationSettings {
  systemPrompt: string;
  /** Sampling values changed for this conversation; the rest come from the model's generation_config.json. */
  overrides: Partial<GenerationSettings>;
  /** A context limit below the model's own, in tokens. */
  contextLimit?: number;
  /** false: a model whose template has a thinking switch answers without reasoning first. Unset: the model's default. */
  thinking?: boolean;
}

/** The model a conversation last ran on. */
export interface ModelUsed {
  repo: string;
  revision: string;
  device: Device;
  dtype: Dtype;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  settings: ConversationSettings;
  model: ModelUsed | null;
  messages: Record<string, StoredMessage>;
  /** The last message of the branch on screen. */
  leafId: string | null;
}

/** Whether a conversation holds any message (without listing them all: a chat may hold thousands). */
export function hasMessages(conversation: Conversation): boolean {
  for (const id in conversation.messages) if (Object.hasOwn(conversation.messages, id)) return true;
  return false;
}

/** A random id (128 bits, hex). getRandomValues, unlike randomUUID, also works when the app is served over plain http. */
export function newId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function emptyConversation(systemPrompt: string, now = Date.now()): Conversation {
  return {
    id: newId(),
    title: '',
    createdAt: now,
    updatedAt: now,
    settings: { systemPrompt, overrides: {} },
    model: null,
    messages: {},
    leafId: null,
  };
}

const TITLE_LENGTH = 60;

/** A title from the first message: its first line, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n', 1)[0].trim();
  if (line.length <= TITLE_LENGTH) return line;
  const cut = line.slice(0, TITLE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
