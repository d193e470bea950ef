import { DEVICES, DTYPES, type GenerationSettings, type GenerationStats, type Passage, type StopReason } from '../../shared/protocol';
import { childrenOf, latestLeaf } from '../chat/message-tree';
import type { Attachment, Conversation, ConversationSettings, MessageStatus, ModelUsed, StoredMessage } from '../chat/types';
import { DOCUMENT_KINDS } from '../documents/document-kinds';
import { CHATS, isObject, MESSAGES, VERSION_1_STORE, type ConversationRecord, type MessageRecord } from './conversation-records';

// Hand-written, not zod/mini, because it measured faster at start-up: restoring 30,000 messages in 300 chats, the first
// run in a fresh Node 20 process took 335 ms with zod/mini vs 269 ms here (488 vs 241 ms with garbage collection on the
// main thread: zod allocates more), and 1,000 messages 21 vs 8 ms (medians of 7–14 runs). The zod version was barely
// shorter (239 vs 254 lines) and weighed the same in the page bundle (115.7 vs 115.9 kB gzip); see this file's history.

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

/**
 * A record this version cannot read: not loaded, kept in its store as it is, and reported. In the version-1 store, a
 * whole chat of the old layout that could not be moved whole (conversation-records.ts).
 */
export interface UnreadableRecord {
  store: typeof CHATS | typeof MESSAGES | typeof VERSION_1_STORE;
  key: IDBValidKey;
  reason: string;
}

export interface RestoredConversations {
  conversations: Conversation[];
  unreadable: UnreadableRecord[];
}

/** What the person is told about the records set aside: how many, that they are kept, and that they are not shown. */
export function unreadableNotice(unreadable: UnreadableRecord[]): string {
  const chats = unreadable.filter((record) => record.store !== MESSAGES).length;
  const messages = unreadable.length - chats;
  const counts = [
    chats > 0 && `${chats} ${chats === 1 ? 'chat' : 'chats'}`,
    messages > 0 && `${messages} ${messages === 1 ? 'message' : 'messages'}`,
  ].filter(Boolean);
  return `Part of the saved chats could not be read by this version of the app and is not shown (${counts.join(' and ')}). It is kept in this browser’s storage, unchanged, and Import and export can save it to a file.`;
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
  if (!isObject(value)) return new Unreadable('it is not a chat');
  if (typeof value.id !== 'string') return new Unreadable('it has no chat id');
  const createdAt = finite(value.createdAt) ?? 0;
  return {
    id: value.id,
    title: typeof value.title === 'string' ? value.title : '',
    createdAt,
    updatedAt: finite(value.updatedAt) ?? createdAt,
    settings: restoreSettings(value.settings),
    model: restoreModel(value.model),
    leafId: typeof value.leafId === 'string' ? value.leafId : null,
  };
}

/** One message record, or why it cannot be read. */
export function restoreMessage(value: unknown): MessageRecord | Unreadable {
  if (!isObject(value)) return new Unreadable('it is not a message');
  const { id, conversationId, parentId, role, content } = value;
  if (typeof id !== 'string' || typeof conversationId !== 'string') return new Unreadable('it has no message id or chat id');
  if (parentId !== null && typeof parentId !== 'string') return new Unreadable('it does not say which message it answers');
  if (role !== 'user' && role !== 'assistant') return new Unreadable('it is neither a question nor a reply');
  if (typeof content !== 'string') return new Unreadable('it has no text');
  const attachments = value.attachments === undefined ? undefined : listOf(value.attachments, restoreAttachment);
  if (attachments === null) return new Unreadable('one of its files cannot be read');
  const passages = value.passages === undefined ? undefined : listOf(value.passages, restorePassage);
  if (passages === null) return new Unreadable('one of the passages chosen from its files cannot be read');
  return withoutAbsent<MessageRecord>({
    conversationId,
    id,
    parentId,
    role,
    content,
    status: isKey(MESSAGE_STATUSES, value.status) ? value.status : 'done',
    createdAt: finite(value.createdAt) ?? 0,
    stats: restoreStats(value.stats),
    droppedMessages: finite(value.droppedMessages),
    attachments,
    passages,
  });
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
  // Down from the roots: a message in a loop, or below one that is missing, is never reached. An id is reached once
  // (the database's key rules out two records of one id, but a twice-reached id would double every branch below it).
  const reached: StoredMessage[] = [];
  const reachedIds = new Set<string>();
  for (let next = -1; next < reached.length; next++) {
    for (const { message } of children.get(next < 0 ? null : reached[next].id) ?? []) {
      if (reachedIds.has(message.id)) continue;
      reachedIds.add(message.id);
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

/** Each sampling setting's kind of value: a setting added to GenerationSettings must be listed here to compile. */
const OVERRIDE_KINDS: { [K in keyof GenerationSettings]-?: GenerationSettings[K] extends number | undefined ? 'number' : 'boolean' } = {
  maxNewTokens: 'number',
  doSample: 'boolean',
  temperature: 'number',
  topP: 'number',
  topK: 'number',
  repetitionPenalty: 'number',
};

function restoreSettings(value: unknown): ConversationSettings {
  const stored = isObject(value) ? value : {};
  const overrides = isObject(stored.overrides) ? stored.overrides : {};
  return withoutAbsent<ConversationSettings>({
    systemPrompt: typeof stored.systemPrompt === 'string' ? stored.systemPrompt : '',
    overrides: Object.fromEntries(
      Object.entries(OVERRIDE_KINDS)
        .filter(([key, kind]) => (kind === 'number' ? finite(overrides[key]) !== undefined : typeof overrides[key] === 'boolean'))
        .map(([key]) => [key, overrides[key]]),
    ),
    contextLimit: finite(stored.contextLimit),
    thinking: typeof stored.thinking === 'boolean' ? stored.thinking : undefined,
  });
}

function restoreModel(value: unknown): ModelUsed | null {
  if (!isObject(value)) return null;
  const { repo, revision, device, dtype } = value;
  const known = typeof repo === 'string' && typeof revision === 'string' && isOneOf(DEVICES, device) && isOneOf(DTYPES, dtype);
  return known ? { repo, revision, device, dtype } : null;
}

const MESSAGE_STATUSES = { streaming: true, done: true, stopped: true, error: true, interrupted: true } satisfies Record<MessageStatus, true>;
const STOP_REASONS = { eos: true, length: true, user: true } satisfies Record<StopReason, true>;

const STATS_NUMBERS = ['promptTokens', 'generatedTokens', 'ttftMs', 'tokensPerSecond', 'totalMs'] as const;

/** A reply's numbers: shown, never sent to the model, so left out when they cannot all be read. */
function restoreStats(value: unknown): GenerationStats | undefined {
  if (!isObject(value) || !isKey(STOP_REASONS, value.stopReason)) return undefined;
  if (!STATS_NUMBERS.every((key) => finite(value[key]) !== undefined)) return undefined;
  const numbers = Object.fromEntries(STATS_NUMBERS.map((key) => [key, value[key]])) as Record<(typeof STATS_NUMBERS)[number], number>;
  // Versions before the KV-cache reuse did not count the reused tokens: none were.
  return { ...numbers, stopReason: value.stopReason, cachedTokens: finite(value.cachedTokens) ?? 0 };
}

function restoreAttachment(value: unknown): Attachment | undefined {
  if (!isObject(value)) return undefined;
  const { id, name, text } = value;
  const size = finite(value.size);
  if (typeof id !== 'string' || typeof name !== 'string' || typeof text !== 'string' || size === undefined) return undefined;
  // The kind only picks how the file is shown; its text is what the model read.
  const kind = isOneOf(DOCUMENT_KINDS, value.kind) ? value.kind : 'text';
  return withoutAbsent<Attachment>({ id, name, kind, size, text, pages: finite(value.pages) });
}

function restorePassage(value: unknown): Passage | undefined {
  if (!isObject(value) || typeof value.name !== 'string' || typeof value.text !== 'string') return undefined;
  return withoutAbsent<Passage>({
    name: value.name,
    text: value.text,
    page: finite(value.page),
    section: typeof value.section === 'string' ? value.section : undefined,
  });
}

/**
 * Each field of T, its optional ones undefined when absent: a field added to T is a compile error where a record is
 * restored until the restore reads it, instead of a field dropped from every record on load.
 */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/** The record without its absent optional fields, as the app writes it. */
function withoutAbsent<T>(fields: EveryField<T>): T {
  const present: Partial<T> = {};
  for (const key in fields) if (fields[key] !== undefined) present[key] = fields[key];
  return present as T;
}

/** Every item read, or null when one cannot be. */
function listOf<T>(value: unknown, restore: (item: unknown) => T | undefined): T[] | null {
  if (!Array.isArray(value)) return null;
  const items = value.map(restore);
  return items.every((item) => item !== undefined) ? (items as T[]) : null;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isOneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return (options as readonly unknown[]).includes(value);
}

function isKey<T extends string>(options: Record<T, true>, value: unknown): value is T {
  return typeof value === 'string' && Object.hasOwn(options, value);
}
