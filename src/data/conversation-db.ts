import { promisifyRequest } from 'idb-keyval';
import { databaseOpener, type StorageBackend } from '../../shared/key-value-store';
import type { Conversation, StoredMessage } from '../chat/types';
import { SyncChannel, type ConversationChange } from './sync-channel';
import {
  CHATS,
  DATABASE_VERSION,
  MESSAGES,
  MESSAGES_BY_CONVERSATION,
  upgradeConversationDatabase,
  VERSION_1_STORE,
  type ConversationRecord,
  type MessageRecord,
} from './conversation-records';
import {
  restoreChat,
  restoreConversations,
  restoreMessage,
  Unreadable,
  type RestoredConversations,
  type StoredEntry,
  type UnreadableRecord,
} from './conversation-restore';

export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'settings' | 'model' | 'leafId' | 'updatedAt'>>;

/** The parts of a conversation another tab changed: its fields, and the messages it wrote or removed. */
export interface ConversationParts {
  record: ConversationRecord;
  /** The listed messages as stored now; a listed id missing here was removed. */
  messages: Record<string, StoredMessage>;
}

/**
 * Conversations in IndexedDB, in a database of their own (apart from the model store): each conversation's fields in
 * one record, each of its messages in a record of its own (see conversation-records.ts). Every change is one
 * transaction that writes only what changed — a streamed reply rewrites its one message record, a rename the
 * conversation's fields — so two tabs working on the same conversation add to it instead of overwriting each other, and
 * a save costs the same in a chat of ten messages as in one of thousands. After each write the other tabs are told
 * which conversation, and which of its messages, to re-read.
 */
export class ConversationDb {
  private readonly database: () => Promise<IDBDatabase>;

  constructor(
    name = 'airgap-chat-conversations',
    private readonly channel = new SyncChannel(),
    backend?: () => Promise<StorageBackend>,
  ) {
    this.database = databaseOpener(name, upgradeConversationDatabase, DATABASE_VERSION, backend);
  }

  /** Every conversation, and the records that could not be read (kept in the database as they are). */
  async list(): Promise<RestoredConversations> {
    const [chatKeys, chats, messageKeys, messages] = await this.read((conversations, messageStore) => [
      conversations.getAllKeys(),
      conversations.getAll() as IDBRequest<unknown[]>,
      messageStore.getAllKeys(),
      messageStore.getAll() as IDBRequest<unknown[]>,
    ]);
    const restored = restoreConversations(entries(chatKeys, chats), entries(messageKeys, messages));
    return { ...restored, unreadable: [...restored.unreadable, ...(await this.version1Leftovers())] };
  }

  /** The version-1 records the upgrade could not move (see conversation-records.ts). */
  private async version1Leftovers(): Promise<UnreadableRecord[]> {
    const database = await this.database();
    if (!database.objectStoreNames.contains(VERSION_1_STORE)) return [];
    const keys = await promisifyRequest(database.transaction(VERSION_1_STORE, 'readonly').objectStore(VERSION_1_STORE).getAllKeys());
    const reason = 'a chat saved by an older version of the app, not all of which could be moved to this version’s layout';
    return keys.map((key) => ({ store: VERSION_1_STORE, key, reason }));
  }

  /** The records `unreadable` lists, as they lie in their stores (one that is gone since is left out). */
  async readUnreadable(unreadable: UnreadableRecord[]): Promise<(UnreadableRecord & { value: unknown })[]> {
    const database = await this.database();
    const present = unreadable.filter((record) => database.objectStoreNames.contains(record.store));
    if (present.length === 0) return [];
    const transaction = database.transaction([...new Set(present.map((record) => record.store))], 'readonly');
    const requests = present.map((record) => ({ record, request: transaction.objectStore(record.store).get(record.key) as IDBRequest<unknown> }));
    await promisifyRequest(transaction);
    return requests.filter(({ request }) => request.result !== undefined).map(({ record, request }) => ({ ...record, value: request.result }));
  }

  /** A conversation as stored now, without what cannot be read (list() reports that); undefined when it is gone. */
  async get(id: string): Promise<Conversation | undefined> {
    const [chat, messageKeys, messages] = await this.read((conversations, messageStore) => [
      conversations.get(id) as IDBRequest<unknown>,
      messageStore.index(MESSAGES_BY_CONVERSATION).getAllKeys(id),
      messageStore.index(MESSAGES_BY_CONVERSATION).getAll(id) as IDBRequest<unknown[]>,
    ]);
    if (chat === undefined) return undefined;
    return restoreConversations([{ key: id, value: chat }], entries(messageKeys, messages)).conversations[0];
  }

  /**
   * A conversation's fields and the messages `messageIds` as stored now, without what cannot be read; undefined when
   * it is gone.
   */
  async getParts(id: string, messageIds: string[]): Promise<ConversationParts | undefined> {
    const [chat, ...messages] = await this.read((conversations, messageStore) => [
      conversations.get(id) as IDBRequest<unknown>,
      ...messageIds.map((messageId) => messageStore.get([id, messageId]) as IDBRequest<unknown>),
    ]);
    const record = restoreChat(chat);
    if (record instanceof Unreadable) return undefined;
    const restored = messages.map(restoreMessage).filter((message): message is MessageRecord => !(message instanceof Unreadable));
    return { record, messages: Object.fromEntries(restored.map(({ conversationId: _, ...message }) => [message.id, message])) };
  }

  /** Writes a whole conversation: a new one, or one that was imported. */
  put(conversation: Conversation): Promise<void> {
    return this.putAll([conversation]);
  }

  /** Writes several whole conversations in one transaction: all of them or, on failure, none. */
  async putAll(conversations: Conversation[]): Promise<void> {
    await this.write((conversationStore, messageStore) => {
      for (const { messages, ...record } of conversations) {
        conversationStore.put(record);
        for (const message of Object.values(messages)) messageStore.put({ ...message, conversationId: record.id });
      }
    });
    for (const conversation of conversations) this.announce({ kind: 'saved', id: conversation.id });
  }

  /** Adds or replaces one message and changes the conversation's fields that `patch` changes; nothing else is written. */
  saveMessage(id: string, message: StoredMessage, patch: ConversationPatch = {}): Promise<void> {
    return this.modify(id, [message.id], patch, (messageStore) => messageStore.put({ ...message, conversationId: id }));
  }

  patch(id: string, patch: ConversationPatch): Promise<void> {
    return this.modify(id, [], patch, () => {});
  }

  removeMessages(id: string, messageIds: string[], patch: ConversationPatch): Promise<void> {
    return this.modify(id, messageIds, patch, (messageStore) => {
      for (const messageId of messageIds) messageStore.delete([id, messageId]);
    });
  }

  async remove(id: string): Promise<void> {
    await this.write((conversationStore, messageStore) => {
      conversationStore.delete(id);
      const keys = messageStore.index(MESSAGES_BY_CONVERSATION).getAllKeys(id);
      keys.onsuccess = () => {
        for (const key of keys.result) messageStore.delete(key);
      };
    });
    this.announce({ kind: 'deleted', id });
  }

  onChange(listener: (change: ConversationChange) => void): () => void {
    return this.channel.subscribe(listener);
  }

  /**
   * Changes a stored conversation in one transaction: `change` writes its messages, and its fields are written only if
   * `patch` changes one of them. A conversation another tab deleted stays deleted.
   */
  private async modify(
    id: string,
    messageIds: string[],
    patch: ConversationPatch,
    change: (messageStore: IDBObjectStore) => void,
  ): Promise<void> {
    await this.write((conversationStore, messageStore) => {
      const request = conversationStore.get(id) as IDBRequest<ConversationRecord | undefined>;
      request.onsuccess = () => {
        const stored = request.result;
        if (!stored) return;
        change(messageStore);
        if (changes(stored, patch)) conversationStore.put({ ...stored, ...patch });
      };
    });
    this.announce({ kind: 'saved', id, messageIds });
  }

  /** Runs `requests` in one read-only transaction and gives their results once it completes. */
  private async read<T extends unknown[]>(
    requests: (conversations: IDBObjectStore, messages: IDBObjectStore) => { [K in keyof T]: IDBRequest<T[K]> },
  ): Promise<T> {
    const transaction = (await this.database()).transaction([CHATS, MESSAGES], 'readonly');
    const pending = requests(transaction.objectStore(CHATS), transaction.objectStore(MESSAGES));
    await promisifyRequest(transaction);
    return pending.map((request) => request.result) as T;
  }

  private async write(writes: (conversations: IDBObjectStore, messages: IDBObjectStore) => void): Promise<void> {
    const transaction = (await this.database()).transaction([CHATS, MESSAGES], 'readwrite');
    writes(transaction.objectStore(CHATS), transaction.objectStore(MESSAGES));
    await promisifyRequest(transaction);
  }

  private announce(change: ConversationChange): void {
    this.channel.announce(change);
  }
}

/** Records with their keys: getAllKeys and getAll in one transaction list them in the same order. */
function entries(keys: IDBValidKey[], values: unknown[]): StoredEntry[] {
  return values.map((value, index) => ({ key: keys[index], value }));
}

/** Whether `patch` gives one of the record's fields another value. */
function changes(record: ConversationRecord, patch: ConversationPatch): boolean {
  return Object.entries(patch).some(
    ([key, value]) => JSON.stringify(record[key as keyof ConversationPatch]) !== JSON.stringify(value),
  );
}
