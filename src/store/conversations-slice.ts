import type { GenerationSettings } from '../../shared/protocol';
import { removeBranch } from '../chat/message-tree';
import { emptyConversation, hasMessages, type Conversation, type ConversationSettings } from '../chat/types';
import { ConversationDb, type ConversationParts } from '../data/conversation-db';
import { unreadableNotice, type UnreadableRecord } from '../data/conversation-restore';
import type { ConversationChange } from '../data/sync-channel';
import { toExportFile, toMarkdown } from '../data/conversation-export';
import { MAX_IMPORT_BYTES, TOO_LARGE_TO_IMPORT } from '../data/import-limits';
import { repliesBeingWritten } from '../data/live-replies';
import type { SliceCreator } from './types';
import { fingerprintsOfFiles } from '../documents/file-library';
import { fingerprint } from '../../shared/fingerprint';

export interface ExportedFile {
  fileName: string;
  mimeType: string;
  text: string;
}

export interface ConversationsSlice {
  /** Every conversation of this device, by id, including the active one. */
  conversations: Record<string, Conversation>;
  activeId: string;
  /** A new conversation is only stored once it has its first message. */
  unsavedId: string | null;
  /** Conversations never stored: those an embedding page started when the deployment does not keep them. */
  transientIds: string[];
  searchQuery: string;
  hydrate: () => Promise<void>;
  newConversation: () => void;
  /**
   * Opens a new, empty conversation for requests from the page that embeds the app: it starts with no system prompt
   * and holds only what that page sends. Stored like any chat once it has a message when `keep`, else never stored.
   */
  newHostConversation: (keep: boolean) => string;
  openConversation: (id: string) => void;
  renameConversation: (id: string, title: string) => Promise<void>;
  deleteConversation: (id: string) => Promise<void>;
  deleteBranch: (messageId: string) => Promise<void>;
  setSearchQuery: (query: string) => void;
  setSystemPrompt: (prompt: string) => void;
  setOverride: <K extends keyof GenerationSettings>(key: K, value: GenerationSettings[K] | undefined) => void;
  setContextLimit: (limit: number | undefined) => void;
  setThinking: (thinking: boolean) => void;
  resetToModelDefaults: () => void;
  /** Reads an export file (its size is checked before it is read); returns how many chats were imported. */
  importConversations: (file: Pick<Blob, 'size' | 'text'>) => Promise<number>;
  /** A chat as a file; a JSON export holds its attached files only `withFiles`. */
  exportConversation: (id: string, format: 'json' | 'markdown', withFiles?: boolean) => ExportedFile;
  exportAll: (withFiles?: boolean) => ExportedFile;
  /** Stored records this version could not read at start-up: not shown, kept in the database as they are. */
  unreadable: UnreadableRecord[];
  /** Those records as they lie in the database, each with its store, key and why it was set aside, as a JSON file. */
  exportUnreadable: () => Promise<ExportedFile>;
  /**
   * Changes a conversation in memory at once and in IndexedDB through `persist` (skipped while it is unsaved). A
   * failed write is reported; what is on screen stays.
   */
  changeConversation: (
    id: string,
    change: (conversation: Conversation) => Conversation,
    persist: (db: ConversationDb, conversation: Conversation) => Promise<void>,
  ) => Promise<void>;
  reportStorageError: (error: unknown) => void;
}

export function normalizedQuery(searchQuery: string): string {
  return searchQuery.trim().toLowerCase();
}

/** Whether a conversation's title or the text of one of its messages holds `query` (normalized: see above). */
export function matchesSearch(conversation: Conversation, query: string): boolean {
  if (!query || conversation.title.toLowerCase().includes(query)) return true;
  for (const id in conversation.messages) if (conversation.messages[id].content.toLowerCase().includes(query)) return true;
  return false;
}

export function newestFirst(conversations: Conversation[]): Conversation[] {
  return conversations.sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Conversations on screen, newest first, narrowed by the search box (titles and message text). */
export function listConversations(state: Pick<ConversationsSlice, 'conversations' | 'searchQuery'>): Conversation[] {
  const query = normalizedQuery(state.searchQuery);
  return newestFirst(Object.values(state.conversations).filter((conversation) => matchesSearch(conversation, query)));
}

function fileSafe(title: string): string {
  return title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 60) || 'conversation';
}

/** Replies this tab did not see finish and no tab is writing now were cut off by a reload or crash. */
function markInterrupted(conversation: Conversation, live: Set<string>): Conversation {
  const stale = Object.values(conversation.messages).filter((m) => m.status === 'streaming' && !live.has(m.id));
  if (stale.length === 0) return conversation;
  const messages = { ...conversation.messages };
  for (const message of stale) messages[message.id] = { ...message, status: 'interrupted' };
  return { ...conversation, messages };
}

/** `local` with the stored fields and the stored state of messages `messageIds` (a missing one was removed). */
function withParts(local: Conversation, parts: ConversationParts, messageIds: string[]): Conversation {
  const messages = { ...local.messages };
  for (const messageId of messageIds) {
    if (parts.messages[messageId]) messages[messageId] = parts.messages[messageId];
    else delete messages[messageId];
  }
  return { ...parts.record, messages };
}

export const createConversationsSlice: SliceCreator<ConversationsSlice> = (deps) => (set, get) => {
  const db = deps.conversationDb ?? new ConversationDb();
  const first = emptyConversation('');

  const changeSettings = (change: (settings: ConversationSettings) => ConversationSettings) => {
    const { activeId } = get();
    void get().changeConversation(
      activeId,
      (conversation) => ({ ...conversation, settings: change(conversation.settings) }),
      (store, conversation) => store.patch(conversation.id, { settings: conversation.settings }),
    );
  };

  /**
   * Another tab changed a conversation: take the stored copy of what it changed (all of it when it did not say what),
   * but keep a reply this tab is still writing.
   */
  const reread = async ({ id, messageIds }: ConversationChange) => {
    const partial = messageIds && get().conversations[id] ? messageIds : null;
    const [stored, live] = await Promise.all([partial ? db.getParts(id, partial) : db.get(id), repliesBeingWritten()]);
    if (!stored) return;
    set((state) => {
      const local = state.conversations[id];
      const current = 'record' in stored ? local && withParts(local, stored, partial ?? []) : stored;
      if (!current) return {};
      const writing = state.writingReplyId && local?.messages[state.writingReplyId];
      const merged = markInterrupted(current, live);
      return {
        conversations: {
          ...state.conversations,
          [id]: writing ? { ...merged, messages: { ...merged.messages, [writing.id]: writing } } : merged,
        },
      };
    });
  };

  /** Opens a new, empty conversation, stored once it has its first message. */
  const openNew = (systemPrompt: string): Conversation => {
    const { unsavedId } = get();
    const conversation = emptyConversation(systemPrompt);
    set((state) => {
      // An unsaved new conversation has no messages: a fresh one replaces it.
      const conversations = { ...state.conversations };
      if (unsavedId) delete conversations[unsavedId];
      return { conversations: { ...conversations, [conversation.id]: conversation }, activeId: conversation.id, unsavedId: conversation.id };
    });
    return conversation;
  };

  /**
   * The worker keeps the vectors of attached files' passages; once a chat or a branch is gone, those of files no chat
   * holds any more go too. Housekeeping: if the worker cannot do it now, the next deletion does (it names every file).
   */
  const forgetVectorsOfRemovedFiles = () => {
    // The files attached for the next message count too: their passages may have been prepared already.
    const pending = get().pendingAttachments.map((attachment) => fingerprint(attachment.text));
    const documents = [...new Set([...fingerprintsOfFiles(Object.values(get().conversations)), ...pending])];
    deps.engine.call('keepPassageVectors', { documents }).catch(() => {});
  };

  const forget = (id: string) => {
    set((state) => {
      const conversations = { ...state.conversations };
      delete conversations[id];
      return { conversations };
    });
    if (get().activeId === id) get().newConversation();
  };

  return {
    conversations: { [first.id]: first },
    activeId: first.id,
    unsavedId: first.id,
    transientIds: [],
    searchQuery: '',

    hydrate: async () => {
      db.onChange((change) => {
        if (change.kind === 'deleted') forget(change.id);
        else void reread(change).catch((error: unknown) => get().reportStorageError(error));
      });
      try {
        const [{ conversations: stored, unreadable }, live] = await Promise.all([db.list(), repliesBeingWritten()]);
        if (unreadable.length > 0) {
          set({ unreadable });
          get().reportError(new Error(unreadableNotice(unreadable)));
        }
        const conversations = Object.fromEntries(stored.map((c) => [c.id, markInterrupted(c, live)]));
        set((state) => ({ conversations: { ...state.conversations, ...conversations } }));
        const newest = listConversations({ conversations, searchQuery: '' })[0];
        const draft = get().conversations[get().activeId];
        if (newest && !hasMessages(draft)) get().openConversation(newest.id);
      } catch (error) {
        get().reportStorageError(error);
      }
    },

    newHostConversation: (keep) => {
      const { id } = openNew('');
      if (!keep) set((state) => ({ unsavedId: null, transientIds: [...state.transientIds, id] }));
      return id;
    },

    newConversation: () => void openNew(get().defaultSystemPrompt),

    openConversation: (id) => {
      if (!get().conversations[id]) return;
      const { unsavedId } = get();
      // An empty new conversation that is left is not worth keeping.
      set((state) => {
        if (!unsavedId || unsavedId === id) return { activeId: id };
        const conversations = { ...state.conversations };
        delete conversations[unsavedId];
        return { activeId: id, conversations, unsavedId: null };
      });
    },

    renameConversation: (id, title) =>
      get().changeConversation(
        id,
        (conversation) => ({ ...conversation, title: title.trim() || conversation.title }),
        (store, conversation) => store.patch(id, { title: conversation.title }),
      ),

    deleteConversation: async (id) => {
      if (get().generating && id === get().activeId) get().stopGeneration();
      const saved = get().unsavedId !== id && !get().transientIds.includes(id);
      forget(id);
      if (get().unsavedId === id) set({ unsavedId: null });
      forgetVectorsOfRemovedFiles();
      if (!saved) return;
      try {
        await db.remove(id);
      } catch (error) {
        get().reportStorageError(error);
      }
    },

    deleteBranch: async (messageId) => {
      const { activeId, writingReplyId } = get();
      const conversation = get().conversations[activeId];
      const { removed } = removeBranch(conversation.messages, conversation.leafId, messageId);
      if (writingReplyId && removed.includes(writingReplyId)) get().stopGeneration();
      await get().changeConversation(
        activeId,
        (current) => {
          const next = removeBranch(current.messages, current.leafId, messageId);
          return { ...current, messages: next.messages, leafId: next.leafId };
        },
        (store, current) => store.removeMessages(activeId, removed, { leafId: current.leafId }),
      );
      forgetVectorsOfRemovedFiles();
    },

    setSearchQuery: (searchQuery) => set({ searchQuery }),
    setSystemPrompt: (systemPrompt) => changeSettings((settings) => ({ ...settings, systemPrompt })),
    setOverride: (key, value) =>
      changeSettings((settings) => {
        const overrides = { ...settings.overrides };
        if (value === undefined) delete overrides[key];
        else overrides[key] = value;
        return { ...settings, overrides };
      }),
    setContextLimit: (contextLimit) =>
      changeSettings(({ contextLimit: _old, ...settings }) => (contextLimit === undefined ? settings : { ...settings, contextLimit })),
    setThinking: (thinking) => changeSettings((settings) => ({ ...settings, thinking })),
    resetToModelDefaults: () =>
      changeSettings(({ contextLimit: _limit, thinking: _thinking, ...settings }) => ({ ...settings, overrides: {} })),

    importConversations: async (file) => {
      try {
        if (file.size > MAX_IMPORT_BYTES) throw new Error(TOO_LARGE_TO_IMPORT);
        // The schema (zod) is loaded by the first import rather than with the page.
        const { parseExport } = await import('../data/conversation-schema');
        const imported = parseExport(await file.text());
        await db.putAll(imported);
        set((state) => ({
          conversations: { ...state.conversations, ...Object.fromEntries(imported.map((c) => [c.id, c])) },
        }));
        if (imported[0]) get().openConversation(imported[0].id);
        return imported.length;
      } catch (error) {
        get().reportError(error);
        return 0;
      }
    },

    exportConversation: (id, format, withFiles = false) => {
      const conversation = get().conversations[id];
      const name = fileSafe(conversation.title);
      return format === 'json'
        ? { fileName: `${name}.json`, mimeType: 'application/json', text: JSON.stringify(toExportFile([conversation], { withFiles }), null, 2) }
        : { fileName: `${name}.md`, mimeType: 'text/markdown', text: toMarkdown(conversation) };
    },

    exportAll: (withFiles = false) => {
      const { conversations, unsavedId, transientIds } = get();
      const saved = Object.values(conversations).filter((conversation) => conversation.id !== unsavedId && !transientIds.includes(conversation.id));
      const text = JSON.stringify(toExportFile(saved, { withFiles }), null, 2);
      return { fileName: 'airgap-chat-conversations.json', mimeType: 'application/json', text };
    },

    unreadable: [],
    exportUnreadable: async () => {
      const records = await db.readUnreadable(get().unreadable);
      const text = JSON.stringify({ app: 'airgap-chat', unreadableRecords: records }, null, 2);
      return { fileName: 'airgap-chat-unreadable-records.json', mimeType: 'application/json', text };
    },

    changeConversation: async (id, change, persist) => {
      const current = get().conversations[id];
      if (!current) return;
      const next = change(current);
      set((state) => ({ conversations: { ...state.conversations, [id]: next } }));
      if (get().transientIds.includes(id)) return;
      try {
        if (get().unsavedId === id) {
          // The first message makes a new conversation worth storing, whole.
          if (!hasMessages(next)) return;
          set({ unsavedId: null });
          await db.put(next);
        } else {
          await persist(db, next);
        }
      } catch (error) {
        get().reportStorageError(error);
      }
    },

    reportStorageError: (error) => {
      const full = error instanceof DOMException && error.name === 'QuotaExceededError';
      get().reportError(
        new Error(
          full
            ? 'The browser’s storage is full, so this chat is not being saved. Delete old chats or stored models to make room; what is on screen stays until you close the tab.'
            : `Chats could not be saved or read (${error instanceof Error ? error.message : String(error)}). What is on screen stays until you close the tab.`,
        ),
      );
    },
  };
};
