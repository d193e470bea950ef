import * as z from 'zod/mini';
import { DEVICES, DTYPES, type GenerationSettings, type GenerationStats, type Passage, type StopReason } from '../../shared/protocol';
import { childrenOf, latestLeaf } from '../chat/message-tree';
import type { Attachment, Conversation, ConversationSettings, MessageStatus, ModelUsed, StoredMessage } from '../chat/types';
import { DOCUMENT_KINDS } from '../documents/document-kinds';
import { CHATS, MESSAGES, type ConversationRecord, type MessageRecord } from './conversation-records';

/**
 * Every stored record passes here on its way into the app, whatever version wrote it. What a record says — a chat's
 * id; a message's chat, place in the tree, role, text and files — must be readable, or the record is set aside: left
 * out of what is loaded, left in the database as it is, and returned to be reported. What describes it — times,
 * status, title, settings, model, stats — takes its default when it is missing or holds a value this version does not
 * know. Fields this version does not know are dropped. A message that does not hang on its chat's tree (its parent
 * missing or set aside, or parents in a loop) is set aside too, and a chat whose leaf is not among its messages shows
 * its newest branch.
 */

/** A record as it lies in its store. */
export interface StoredEntry {
  key: IDBValidKey;
  value: unknown;
}

/** A record this version cannot read: not loaded, kept in its store as it is, and reported. */
export interface UnreadableRecord {
  store: typeof CHATS | typeof MESSAGES;
  key: IDBValidKey;
  reason: string;
}

export interface RestoredConversations {
  conversations: Conversation[];
  unreadable: UnreadableRecord[];
}

/** What the person is told about the records set aside: how many, that they are kept, and that they are not shown. */
export function unreadableNotice(unreadable: UnreadableRecord[]): string {
  const chats = unreadable.filter((record) => record.store === CHATS).length;
  const messages = unreadable.length - chats;
  const counts = [
    chats > 0 && `${chats} ${chats === 1 ? 'chat' : 'chats'}`,
    messages > 0 && `${messages} ${messages === 1 ? 'message' : 'messages'}`,
  ].filter(Boolean);
  return `Part of the saved chats could not be read by this version of the app and is not shown (${counts.join(' and ')}). It is kept in this browser’s storage, unchanged.`;
}

/** Why a record cannot be read. */
export class Unreadable {
  constructor(readonly reason: string) {}
}

/** Whole conversations from their chat records and all their message records. */
export function restoreConversations(chats: StoredEntry[], messages: StoredEntry[]): RestoredConversations {
  const unreadable: UnreadableRecord[] = [];
  const byChat = new Map<string, { key: IDBValidKey; message: MessageRecord }[]>();
  for (const { key, value } of messages) {
    const message = restoreMessage(value);
    if (message instanceof Unreadable) unreadable.push({ store: MESSAGES, key, reason: message.reason });
    else if (byChat.has(message.conversationId)) byChat.get(message.conversationId)!.push({ key, message });
    else byChat.set(message.conversationId, [{ key, message }]);
  }
  const conversations: Conversation[] = [];
  for (const { key, value } of chats) {
    const record = restoreChat(value);
    if (record instanceof Unreadable) {
      unreadable.push({ store: CHATS, key, reason: record.reason });
      continue;
    }
    const { conversation, detached } = assemble(record, byChat.get(record.id) ?? []);
    byChat.delete(record.id);
    conversations.push(conversation);
    for (const detachedKey of detached) {
      unreadable.push({ store: MESSAGES, key: detachedKey, reason: 'the message it answers is missing or cannot be read' });
    }
  }
  for (const orphans of byChat.values()) {
    for (const { key } of orphans) unreadable.push({ store: MESSAGES, key, reason: 'its chat is missing or cannot be read' });
  }
  return { conversations, unreadable };
}

/** A chat's fields, or why they cannot be read. */
export function restoreChat(value: unknown): ConversationRecord | Unreadable {
  return readOrWhyNot(CHAT, value, { record: 'it is not a chat', fields: { id: 'it has no chat id' } });
}

const MESSAGE_REASONS = {
  record: 'it is not a message',
  fields: {
    conversationId: 'it has no message id or chat id',
    id: 'it has no message id or chat id',
    parentId: 'it does not say which message it answers',
    role: 'it is neither a question nor a reply',
    content: 'it has no text',
    attachments: 'one of its files cannot be read',
    passages: 'one of the passages chosen from its files cannot be read',
  },
};

/** One message record, or why it cannot be read. */
export function restoreMessage(value: unknown): MessageRecord | Unreadable {
  return readOrWhyNot(MESSAGE, value, MESSAGE_REASONS);
}

/** The conversation, with the messages that hang on its tree; the keys of those that do not. */
function assemble(
  record: ConversationRecord,
  entries: { key: IDBValidKey; message: MessageRecord }[],
): { conversation: Conversation; detached: IDBValidKey[] } {
  const children = new Map<string | null, typeof entries>();
  for (const entry of entries) {
    const siblings = children.get(entry.message.parentId);
    if (siblings) siblings.push(entry);
    else children.set(entry.message.parentId, [entry]);
  }
  // Down from the roots: a message in a loop, or below one that is missing, is never reached.
  const reached: StoredMessage[] = [];
  for (let next = -1; next < reached.length; next++) {
    for (const { message } of children.get(next < 0 ? null : reached[next].id) ?? []) {
      const { conversationId: _, ...stored } = message;
      reached.push(stored);
    }
  }
  const messages = Object.fromEntries(reached.map((message) => [message.id, message]));
  const detached = entries.filter(({ message }) => !Object.hasOwn(messages, message.id)).map(({ key }) => key);
  const leafId = record.leafId !== null && Object.hasOwn(messages, record.leafId) ? record.leafId : newestLeaf(messages);
  return { conversation: { ...record, messages, leafId }, detached };
}

function newestLeaf(messages: Record<string, StoredMessage>): string | null {
  const newestRoot = childrenOf(messages, null).at(-1);
  return newestRoot ? latestLeaf(messages, newestRoot.id) : null;
}

/**
 * A schema for each field of T whose output is that field's type: a field added to T is a compile error where the
 * record is restored until the restore reads it, instead of a field dropped from every record on load.
 */
type EveryField<T> = { [K in keyof Required<T>]: z.ZodMiniType<T[K]> };

/** A describing field that may be absent: left out when it is missing or holds a value this version cannot read. */
function ifReadable<T extends z.ZodMiniType>(schema: T) {
  return z.optional(z.catch(z.optional(schema), undefined));
}

/** An object of these fields as the app writes it: zod keeps a key it read as undefined, this drops it. */
function asWritten<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.pipe(z.object(shape), z.transform(withoutAbsent));
}

function withoutAbsent<T extends object>(fields: T): T {
  const present: Partial<T> = {};
  for (const key in fields) if (fields[key] !== undefined) present[key] = fields[key];
  return present as T;
}

const MESSAGE_STATUSES = { streaming: 'streaming', done: 'done', stopped: 'stopped', error: 'error', interrupted: 'interrupted' } satisfies {
  [S in MessageStatus]: S;
};
const STOP_REASONS = { eos: 'eos', length: 'length', user: 'user' } satisfies { [R in StopReason]: R };

const OVERRIDES = {
  maxNewTokens: ifReadable(z.number()),
  doSample: ifReadable(z.boolean()),
  temperature: ifReadable(z.number()),
  topP: ifReadable(z.number()),
  topK: ifReadable(z.number()),
  repetitionPenalty: ifReadable(z.number()),
} satisfies EveryField<Partial<GenerationSettings>>;

const SETTINGS = {
  systemPrompt: z.catch(z.string(), ''),
  overrides: z.catch(asWritten(OVERRIDES), () => ({})),
  contextLimit: ifReadable(z.number()),
  thinking: ifReadable(z.boolean()),
} satisfies EveryField<ConversationSettings>;

const MODEL = { repo: z.string(), revision: z.string(), device: z.enum(DEVICES), dtype: z.enum(DTYPES) } satisfies EveryField<ModelUsed>;

const CHAT = z.pipe(
  z.object({
    id: z.string(),
    title: z.catch(z.string(), ''),
    createdAt: z.catch(z.number(), 0),
    // Read as optional here: its default is the chat's createdAt, below.
    updatedAt: ifReadable(z.number()),
    settings: z.catch(asWritten(SETTINGS), () => ({ systemPrompt: '', overrides: {} })),
    model: z.catch(z.nullable(z.object(MODEL)), null),
    leafId: z.catch(z.nullable(z.string()), null),
  } satisfies EveryField<Omit<ConversationRecord, 'updatedAt'> & { updatedAt?: number }>),
  z.transform(({ updatedAt, ...chat }): ConversationRecord => ({ ...chat, updatedAt: updatedAt ?? chat.createdAt })),
);

const STATS = {
  promptTokens: z.number(),
  generatedTokens: z.number(),
  ttftMs: z.number(),
  tokensPerSecond: z.number(),
  totalMs: z.number(),
  stopReason: z.enum(STOP_REASONS),
  // Versions before the KV-cache reuse did not count the reused tokens: none were.
  cachedTokens: z.catch(z.number(), 0),
} satisfies EveryField<GenerationStats>;

const ATTACHMENT = {
  id: z.string(),
  name: z.string(),
  // The kind only picks how the file is shown; its text is what the model read.
  kind: z.catch(z.enum(DOCUMENT_KINDS), 'text'),
  size: z.number(),
  text: z.string(),
  pages: ifReadable(z.number()),
} satisfies EveryField<Attachment>;

const PASSAGE = { name: z.string(), page: ifReadable(z.number()), section: ifReadable(z.string()), text: z.string() } satisfies EveryField<Passage>;

const MESSAGE = asWritten({
  // What a message says first, in the order of MESSAGE_REASONS: the first field it cannot read gives the reason.
  conversationId: z.string(),
  id: z.string(),
  parentId: z.nullable(z.string()),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  attachments: z.optional(z.array(asWritten(ATTACHMENT))),
  passages: z.optional(z.array(asWritten(PASSAGE))),
  status: z.catch(z.enum(MESSAGE_STATUSES), 'done'),
  createdAt: z.catch(z.number(), 0),
  // A reply's numbers: shown, never sent to the model, so left out when they cannot all be read.
  stats: ifReadable(z.object(STATS)),
  droppedMessages: ifReadable(z.number()),
} satisfies EveryField<MessageRecord>);

/** What `schema` reads from a record, or the reason for the first field it cannot (or for a record that is no object). */
function readOrWhyNot<T>(schema: z.ZodMiniType<T>, value: unknown, reasons: { record: string; fields: Record<string, string> }): T | Unreadable {
  const read = schema.safeParse(value);
  if (read.success) return read.data;
  const field = read.error.issues[0].path[0];
  return new Unreadable(field === undefined ? reasons.record : reasons.fields[String(field)]);
}
