import { del, get, promisifyRequest, set, values, type UseStore } from 'idb-keyval';
import { createKeyValueStore } from '../../workers/key-value-store';
import type { Conversation, StoredMessage } from '../chat/types';
import { SyncChannel, type ConversationChange } from './sync-channel';

export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'settings' | 'model' | 'leafId' | 'updatedAt'>>;

/**
 * Conversations in IndexedDB, one record per conversation, in a database of their own (apart from the model store).
 * Every change is a read-modify-write inside one transaction that touches only what changed — one message, a few
 * fields — so two tabs working on the same conversation add to it instead of overwriting each other. After each write
 * the other tabs are told which conversation to re-read.
 */
export class ConversationDb {
  constructor(
    private readonly store: UseStore = createKeyValueStore('airgap-chat-conversations', 'conversations'),
    private readonly channel = new SyncChannel(),
  ) {}

  async list(): Promise<Conversation[]> {
    return (await values<Conversation | undefined>(this.store)).filter((c): c is Conversation => c !== undefined);
  }

  get(id: string): Promise<Conversation | undefined> {
    return get<Conversation>(id, this.store);
  }

  /** Writes a whole conversation: a new one, or one that was imported. */
  async put(conversation: Conversation): Promise<void> {
    await set(conversation.id, conversation, this.store);
    this.announce({ kind: 'saved', id: conversation.id });
  }

  /** Writes several whole conversations in one transaction: all of them or, on failure, none. */
  async putAll(conversations: Conversation[]): Promise<void> {
    await this.store('readwrite', (store) => {
      for (const conversation of conversations) store.put(conversation, conversation.id);
      return promisifyRequest(store.transaction);
    });
    for (const conversation of conversations) this.announce({ kind: 'saved', id: conversation.id });
  }

  /** Adds or replaces one message and updates the conversation's fields; other messages stay as stored. */
  saveMessage(id: string, message: StoredMessage, patch: ConversationPatch = {}): Promise<void> {
    return this.modify(id, (stored) => ({ ...stored, ...patch, messages: { ...stored.messages, [message.id]: message } }));
  }

  patch(id: string, patch: ConversationPatch): Promise<void> {
    return this.modify(id, (stored) => ({ ...stored, ...patch }));
  }

  removeMessages(id: string, messageIds: string[], patch: ConversationPatch): Promise<void> {
    return this.modify(id, (stored) => {
      const messages = { ...stored.messages };
      for (const messageId of messageIds) delete messages[messageId];
      return { ...stored, ...patch, messages };
    });
  }

  async remove(id: string): Promise<void> {
    await del(id, this.store);
    this.announce({ kind: 'deleted', id });
  }

  onChange(listener: (change: ConversationChange) => void): () => void {
    return this.channel.subscribe(listener);
  }

  /** Changes a stored conversation in one transaction; one that another tab deleted stays deleted. */
  private async modify(id: string, change: (stored: Conversation) => Conversation): Promise<void> {
    await this.store('readwrite', (store) => {
      const request = store.get(id) as IDBRequest<Conversation | undefined>;
      request.onsuccess = () => {
        if (request.result) store.put(change(request.result), id);
      };
      return promisifyRequest(store.transaction);
    });
    this.announce({ kind: 'saved', id });
  }

  private announce(change: ConversationChange): void {
    this.channel.announce(change);
  }
}
