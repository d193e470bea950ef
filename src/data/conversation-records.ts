import type { Conversation, StoredMessage } from '../chat/types';

/**
 * How conversations lie in IndexedDB, and the upgrade from older layouts.
 *
 * Version 1 kept each conversation whole in one record of the store `conversations`, its messages inside, so every
 * save (twice a second while a reply streams) rewrote the whole conversation. Version 2 keeps a conversation's fields
 * in `chats` and each message in `messages`, keyed by [conversation id, message id]: a save writes what changed. The
 * upgrade moves every version-1 record into the new stores in the upgrade's own transaction (all of it or, if the
 * browser fails, none, and the old store stays for the next try), then drops the old store. A record that cannot be
 * moved whole stays in the old store as it was, which then stays too; the app reports it (ConversationDb.list) and can
 * save it to a file.
 */
export const DATABASE_VERSION = 2;
export const CHATS = 'chats';
export const MESSAGES = 'messages';
export const MESSAGES_BY_CONVERSATION = 'by-conversation';
export const VERSION_1_STORE = 'conversations';

/** A conversation without its messages. */
export type ConversationRecord = Omit<Conversation, 'messages'>;
export type MessageRecord = StoredMessage & { conversationId: string };

export function upgradeConversationDatabase(db: IDBDatabase, transaction: IDBTransaction, oldVersion: number): void {
  if (oldVersion < 2) {
    const chats = db.createObjectStore(CHATS, { keyPath: 'id' });
    const messages = db.createObjectStore(MESSAGES, { keyPath: ['conversationId', 'id'] });
    messages.createIndex(MESSAGES_BY_CONVERSATION, 'conversationId');
    if (oldVersion === 1 && db.objectStoreNames.contains(VERSION_1_STORE)) moveVersion1(db, transaction, chats, messages);
  }
}

/** Moves each version-1 record whole into the new stores and deletes it from the old one, which goes once empty. */
function moveVersion1(db: IDBDatabase, transaction: IDBTransaction, chats: IDBObjectStore, messages: IDBObjectStore): void {
  let kept = 0;
  const cursorRequest = transaction.objectStore(VERSION_1_STORE).openCursor();
  cursorRequest.onsuccess = () => {
    const cursor = cursorRequest.result;
    if (!cursor) {
      if (kept === 0) db.deleteObjectStore(VERSION_1_STORE);
      return;
    }
    if (moveConversation(cursor.value, chats, messages)) cursor.delete();
    else kept++;
    cursor.continue();
  };
}

/** A plain object: what a stored record must be before its fields are read. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Puts a version-1 conversation into the new stores: its fields, and each message that has a key there (a string id).
 * False when any part has no key (a record without an id, messages that are not records), so the original is kept.
 * Whether the moved fields and messages make sense is for the restore step to judge, as for any stored record.
 */
function moveConversation(stored: unknown, chats: IDBObjectStore, messages: IDBObjectStore): boolean {
  if (!isObject(stored) || typeof stored.id !== 'string') return false;
  const { messages: inside = {}, ...record } = stored;
  chats.put(record);
  if (!isObject(inside)) return false;
  let whole = true;
  for (const message of Object.values(inside)) {
    if (isObject(message) && typeof message.id === 'string') messages.put({ ...message, conversationId: stored.id });
    else whole = false;
  }
  return whole;
}
