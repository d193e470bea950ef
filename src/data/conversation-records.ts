import type { Conversation, StoredMessage } from '../chat/types';

/**
 * How conversations lie in IndexedDB, and the upgrade from older layouts.
 *
 * Version 1 kept each conversation whole in one record of the store `conversations`, its messages inside, so every
 * save (twice a second while a reply streams) rewrote the whole conversation. Version 2 keeps a conversation's fields
 * in `chats` and each message in `messages`, keyed by [conversation id, message id]: a save writes what changed. The
 * upgrade moves every version-1 record into the new stores in the upgrade's own transaction (all of it or, if the
 * browser fails, none, and the old store stays for the next try), then drops the old store, so a tab still running the
 * old code gets an error it reports instead of writing where nobody reads.
 */
export const DATABASE_VERSION = 2;
export const CHATS = 'chats';
export const MESSAGES = 'messages';
export const MESSAGES_BY_CONVERSATION = 'by-conversation';
const VERSION_1_STORE = 'conversations';

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

function moveVersion1(db: IDBDatabase, transaction: IDBTransaction, chats: IDBObjectStore, messages: IDBObjectStore): void {
  const request = transaction.objectStore(VERSION_1_STORE).getAll() as IDBRequest<unknown[]>;
  request.onsuccess = () => {
    for (const stored of request.result) {
      const conversation = stored as Partial<Conversation> | null;
      if (typeof conversation?.id !== 'string') continue;
      const { messages: inside = {}, ...record } = conversation;
      chats.put(record);
      for (const message of Object.values(inside)) messages.put({ ...message, conversationId: conversation.id });
    }
    db.deleteObjectStore(VERSION_1_STORE);
  };
}
