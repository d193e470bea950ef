import { withDocuments } from '../../shared/document-prompt';
import { EngineError, isCancellation, type ChatMessage, type ChoosePassagesParams, type PassagesProgress, type PromptRead } from '../../shared/protocol';
import { keepTreeIndex, pathTo, switchBranch } from '../chat/message-tree';
import { newId, titleFrom, type Attachment, type Conversation, type StoredMessage } from '../chat/types';
import { holdWhileWriting } from '../data/live-replies';
import { formatPercent } from '../format';
import { FrameBatcher, throttled } from './frame-batcher';
import { messageFor } from './notice-slice';
import { effectiveSettings } from './settings-slice';
import type { SliceCreator } from './types';

export interface ChatSlice {
  generating: boolean;
  /** While the passages of a question's files are being chosen: what is happening, in words. */
  choosingPassages: string | null;
  /**
   * While the files attached for the next message are being prepared (split into passages and their vectors computed
   * and kept, when they are too long to go whole), so the question finds the work done: how far, in words.
   */
  preparingFiles: string | null;
  /** Starts (again) preparing the files attached for the next message; the question's own choice stops it. */
  prepareFiles: () => void;
  /** The reply this tab is writing, if any. */
  writingReplyId: string | null;
  /** How much of a long conversation the model has read before that reply's first token (null once it writes). */
  readingPrompt: PromptRead | null;
  /**
   * Whether the engine has put the conversation of the reply being written through the model's chat template (its
   * first progress of any kind says so). An engine that stops before that was stuck in the template.
   */
  promptBuilt: boolean;
  /** Sends a message with the files attached to it so far (see the attachments slice). */
  send: (text: string, options?: SendOptions) => Promise<ReplyOutcome>;
  /** A new version of a user message, as a branch next to the old one, and a reply to it. */
  editMessage: (messageId: string, text: string) => Promise<ReplyOutcome>;
  /** Another reply to the same message, as a branch next to the old one. */
  regenerate: (messageId: string) => Promise<ReplyOutcome>;
  /** Lets the model write on at the end of a reply that stopped early (its limit, Stop, or a closed page). */
  continueReply: (messageId: string) => Promise<ReplyOutcome>;
  /** Shows the version of a message `offset` places before or after it. */
  switchBranch: (messageId: string, offset: number) => void;
  stopGeneration: () => void;
}

/**
 * How a question ended: its reply as the model left it (done, or stopped by the person), or why there is none or it
 * failed. A failure the person should know of is also shown as a notice.
 */
export type ReplyOutcome = { ok: true; conversationId: string; reply: StoredMessage } | { ok: false; message: string };

export interface SendOptions {
  /** Each piece of the reply as the model writes it. */
  onText?: (text: string) => void;
}

const NO_MODEL = 'Load a model before sending a message.';
const BUSY = 'A reply is still being written.';

/** How often a reply being written is saved: often enough that a crash loses little, rarely enough to cost nothing. */
export const STREAM_SAVE_INTERVAL_MS = 500;

/** What choosing passages is doing, in words: the embedding model's download, then reading the passages. */
function describePassagesProgress(progress: PassagesProgress, embeddingModel: string): string {
  if (progress.stage === 'download') {
    return `Downloading ${embeddingModel}, which finds the passages that answer a question: ${formatPercent(progress.load.loaded, progress.load.total)}`;
  }
  return `Finding the passages that answer the question: ${progress.done} of ${progress.total} read`;
}

/** What preparing the attached files is doing, in words. */
function describePreparing(progress: PassagesProgress, embeddingModel: string): string {
  if (progress.stage === 'download') return describePassagesProgress(progress, embeddingModel);
  return `Preparing the attached files for your question: ${progress.done} of ${progress.total} passages read`;
}

/** The conversation as the model sees it: the system prompt (only when set) and every turn that has text. */
export function toPrompt(systemPrompt: string, messages: StoredMessage[]): ChatMessage[] {
  const turns: ChatMessage[] = messages
    .filter((message) => message.status !== 'error' && message.content !== '')
    .map((message) => ({ role: message.role, content: withDocuments(message.content, message.attachments, message.passages) }));
  return systemPrompt.trim() ? [{ role: 'system', content: systemPrompt }, ...turns] : turns;
}

/** A reply can be continued when it is the last message of its branch, has text, and stopped before it was done. */
export function canContinue(message: StoredMessage, leafId: string | null): boolean {
  const stoppedEarly =
    message.status === 'stopped' || message.status === 'interrupted' || (message.status === 'done' && message.stats?.stopReason === 'length');
  return message.role === 'assistant' && message.id === leafId && message.content !== '' && stoppedEarly;
}

function withMessage(conversation: Conversation, message: StoredMessage): Conversation {
  return {
    ...conversation,
    title: conversation.title || (message.role === 'user' ? titleFrom(message.content) : ''),
    updatedAt: Math.max(Date.now(), conversation.updatedAt),
    messages: { ...conversation.messages, [message.id]: message },
    leafId: message.id,
  };
}

export const createChatSlice: SliceCreator<ChatSlice> =
  ({ engine, config }) =>
  (set, get) => {
    let generation: AbortController | null = null;
    /** Preparing the files attached for the next message, while it runs. */
    let preparing: AbortController | null = null;
    /** A question's passages stopped the preparation part-way: the files still waiting are prepared after its reply. */
    let preparationStopped = false;
    const stopPreparing = () => {
      preparing?.abort();
      preparing = null;
      set({ preparingFiles: null });
    };

    /**
     * What the engine needs to choose passages of `attachments` for `question`, asked in `conversation` after
     * `history`; null without a loaded model.
     */
    const passagesRequest = (conversation: Conversation, history: StoredMessage[], question: string, attachments: readonly Attachment[]) => {
      const { model } = get();
      if (!model) return null;
      const { settings } = conversation;
      const { embeddingModel } = config;
      return {
        messages: [...toPrompt(settings.systemPrompt, history), { role: 'user', content: question }],
        documents: attachments.map(({ name, text }) => ({ name, text })),
        maxNewTokens: effectiveSettings(model.generationDefaults, settings.overrides).maxNewTokens,
        contextLimit: settings.contextLimit,
        thinking: settings.thinking,
        embedding: embeddingModel ? { hubUrl: config.hubUrl, repo: embeddingModel, revision: 'main' } : null,
      } satisfies ChoosePassagesParams;
    };

    /** Adds a message at the end of the branch it continues and stores it with the conversation's new fields. */
    const addMessage = (conversationId: string, message: StoredMessage) =>
      get().changeConversation(
        conversationId,
        (conversation) => withMessage(conversation, message),
        (db, conversation) =>
          db.saveMessage(conversationId, message, {
            title: conversation.title,
            updatedAt: conversation.updatedAt,
            leafId: conversation.leafId,
            model: conversation.model,
          }),
      );

    /** Changes a message's text, status or stats (never its place in the tree). */
    const updateMessage = (
      conversationId: string,
      id: string,
      change: (message: StoredMessage) => Partial<Omit<StoredMessage, 'id' | 'parentId' | 'createdAt'>>,
    ) =>
      set((state) => {
        const conversation = state.conversations[conversationId];
        const message = conversation?.messages[id];
        if (!message) return {};
        const messages = { ...conversation.messages, [id]: { ...message, ...change(message) } };
        keepTreeIndex(conversation.messages, messages);
        return { conversations: { ...state.conversations, [conversationId]: { ...conversation, messages } } };
      });

    /** Saves a message as it is in memory now (only its own record changes). */
    const saveMessage = (conversationId: string, id: string) =>
      get().changeConversation(
        conversationId,
        (conversation) => conversation,
        (db, conversation) => {
          const message = conversation.messages[id];
          return message ? db.saveMessage(conversationId, message) : Promise.resolve();
        },
      );

    /**
     * Streams the model's words into `message` of the active conversation, onto the screen and to disk: a new reply
     * (added first), or the end of a reply that stopped early (`continuing`; the prompt then ends with it).
     */
    const write = async (
      message: StoredMessage,
      prompt: ChatMessage[],
      continuing: boolean,
      onText?: (text: string) => void,
    ): Promise<ReplyOutcome> => {
      const { model, activeId } = get();
      if (!model) return { ok: false, message: NO_MODEL };
      const conversation = get().conversations[activeId];
      const controller = new AbortController();
      generation = controller;
      set((state) => ({
        generating: true,
        writingReplyId: message.id,
        promptBuilt: false,
        conversations: {
          ...state.conversations,
          [activeId]: {
            ...state.conversations[activeId],
            model: { repo: model.repo, revision: model.revision, device: model.device, dtype: model.dtype },
          },
        },
      }));
      if (continuing) updateMessage(activeId, message.id, () => ({ status: 'streaming' }));
      else await addMessage(activeId, message);

      const batcher = new FrameBatcher((text) => {
        updateMessage(activeId, message.id, (current) => ({ content: current.content + text }));
        saver.request();
      });
      // Saves what is on screen; handing on the batch early would add a render between the batcher's own.
      const saver = throttled(() => void saveMessage(activeId, message.id), STREAM_SAVE_INTERVAL_MS);
      // Stop shows at once everything that had arrived when it was pressed.
      controller.signal.addEventListener('abort', () => batcher.flush());
      const { settings } = conversation;
      const generating$ = engine.call(
        'generate',
        {
          messages: prompt,
          settings: effectiveSettings(model.generationDefaults, settings.overrides),
          contextLimit: settings.contextLimit,
          thinking: settings.thinking,
          reuseCache: get().reuseCache,
          ...(continuing ? { continueReply: true } : {}),
        },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            if (!get().promptBuilt) set({ promptBuilt: true });
            if (progress.type === 'prompt-built') return;
            if (progress.type === 'prompt') return set({ readingPrompt: progress });
            if (get().readingPrompt) set({ readingPrompt: null });
            batcher.push(progress.text);
            onText?.(progress.text);
          },
        },
      );
      holdWhileWriting(message.id, generating$);
      let failure: string | null = null;
      try {
        const result = await generating$;
        batcher.flush();
        updateMessage(activeId, message.id, () => ({
          content: message.content + result.text,
          status: result.stats.stopReason === 'user' ? 'stopped' : 'done',
          stats: result.stats,
          ...(result.droppedMessages > 0 ? { droppedMessages: result.droppedMessages } : {}),
        }));
        get().replyFinished();
      } catch (error) {
        batcher.flush();
        // An engine that stopped is reported (and reloaded) by the model slice; the reply keeps what had arrived.
        const stopped = error instanceof EngineError && error.code === 'engine-stopped';
        updateMessage(activeId, message.id, () => ({ status: isCancellation(error) ? 'stopped' : stopped ? 'interrupted' : 'error' }));
        if (!stopped) get().reportError(error);
        if (!isCancellation(error)) failure = messageFor(error);
      } finally {
        generation = null;
        set({ generating: false, writingReplyId: null, readingPrompt: null });
        // An edit's passages stopped the preparation of files waiting in the composer: it goes on once the reply is done.
        if (preparationStopped) {
          preparationStopped = false;
          get().prepareFiles();
        }
        saver.flush();
        await saveMessage(activeId, message.id);
      }
      const written = get().conversations[activeId]?.messages[message.id];
      if (failure === null && written) return { ok: true, conversationId: activeId, reply: written };
      return { ok: false, message: failure ?? 'The reply was lost: its chat was deleted while it was written.' };
    };

    /**
     * Asks the engine whether the files of `message` fit the model's context whole; when they do not, keeps on the
     * message the passages chosen instead, so this prompt (and any regeneration of its reply) carries them.
     */
    const chooseFilesParts = async (conversationId: string, message: StoredMessage) => {
      const conversation = get().conversations[conversationId];
      if (!conversation || !message.attachments) return;
      const request = passagesRequest(conversation, pathTo(conversation.messages, message.parentId), message.content, message.attachments);
      if (!request) return;
      // What the preparation kept, this finds; what it had not reached yet, this does.
      if (preparing) preparationStopped = true;
      stopPreparing();
      // Stop ends this too (the embedding model's first download may take a while); the question keeps its files.
      const controller = new AbortController();
      generation = controller;
      set({ choosingPassages: 'Checking whether the files fit the model’s context…' });
      try {
        const { passages, keywordsOnly } = await engine.call('choosePassages', request, {
          signal: controller.signal,
          onProgress: (progress) => set({ choosingPassages: describePassagesProgress(progress, config.embeddingModel ?? '') }),
        });
        if (keywordsOnly) get().reportError(new Error(`The passages were chosen by their words alone: ${keywordsOnly}`));
        if (!passages) return;
        updateMessage(conversationId, message.id, () => ({ passages }));
        await saveMessage(conversationId, message.id);
      } finally {
        if (generation === controller) generation = null;
        set({ choosingPassages: null });
      }
    };

    /** Writes a reply to the message `parentId` of the active conversation. */
    const reply = async (parentId: string, onText?: (text: string) => void): Promise<ReplyOutcome> => {
      const { model, activeId, generating } = get();
      if (!model) return { ok: false, message: NO_MODEL };
      if (generating) return { ok: false, message: BUSY };
      const conversation = get().conversations[activeId];
      const prompt = toPrompt(conversation.settings.systemPrompt, pathTo(conversation.messages, parentId));
      const message: StoredMessage = {
        id: newId(),
        parentId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        createdAt: Date.now(),
      };
      return write(message, prompt, false, onText);
    };

    /**
     * Adds a user message under `parentId` in the active conversation and answers it. `attachments` come from the
     * composer (`fromComposer`: they leave it with this message) or from the message being edited.
     */
    const ask = async (
      parentId: string | null,
      text: string,
      attachments: Attachment[] | undefined,
      { fromComposer = false, onText }: SendOptions & { fromComposer?: boolean } = {},
    ): Promise<ReplyOutcome> => {
      const content = text.trim();
      const { model, generating, activeId } = get();
      if (!content) return { ok: false, message: 'The message is empty.' };
      if (generating) return { ok: false, message: BUSY };
      if (!model) {
        get().reportError(new Error(NO_MODEL));
        return { ok: false, message: NO_MODEL };
      }
      const message: StoredMessage = {
        id: newId(),
        parentId,
        role: 'user',
        content,
        status: 'done',
        createdAt: Date.now(),
        ...(attachments?.length ? { attachments } : {}),
      };
      if (fromComposer) set({ pendingAttachments: [] });
      await addMessage(activeId, message);
      if (attachments?.length) {
        try {
          await chooseFilesParts(activeId, message);
        } catch (error) {
          // The message keeps its files: an edit sends them again.
          get().reportError(error);
          return { ok: false, message: messageFor(error) };
        }
      }
      return reply(message.id, onText);
    };

    return {
      generating: false,
      choosingPassages: null,
      preparingFiles: null,

      prepareFiles: () => {
        stopPreparing();
        const { pendingAttachments, conversations, activeId } = get();
        // Without an embedding model there is nothing to keep: splitting and ranking by keywords take a moment.
        const request = config.embeddingModel && pendingAttachments.length > 0 ? passagesRequest(conversations[activeId], [], '', pendingAttachments) : null;
        if (!request) return;
        const controller = new AbortController();
        preparing = controller;
        void engine
          .call('choosePassages', request, {
            signal: controller.signal,
            onProgress: (progress) => {
              if (preparing === controller) set({ preparingFiles: describePreparing(progress, config.embeddingModel ?? '') });
            },
          })
          // Whatever goes wrong here goes wrong again when the question is sent, and is reported then.
          .catch(() => undefined)
          .finally(() => {
            if (preparing === controller) stopPreparing();
          });
      },
      writingReplyId: null,
      readingPrompt: null,
      promptBuilt: false,

      send: (text, options) => {
        const { conversations, activeId, pendingAttachments } = get();
        return ask(conversations[activeId].leafId, text, pendingAttachments, { ...options, fromComposer: true });
      },

      editMessage: async (messageId, text) => {
        const original = get().conversations[get().activeId].messages[messageId];
        if (!original || original.role !== 'user') return { ok: false, message: 'There is no such message to edit.' };
        if (text.trim() === original.content) return { ok: false, message: 'The message is unchanged.' };
        return ask(original.parentId, text, original.attachments);
      },

      regenerate: async (messageId) => {
        const original = get().conversations[get().activeId].messages[messageId];
        if (!original || original.role !== 'assistant' || original.parentId === null) {
          return { ok: false, message: 'There is no such reply.' };
        }
        return reply(original.parentId);
      },

      continueReply: async (messageId) => {
        const { model, activeId, generating } = get();
        const conversation = get().conversations[activeId];
        const original = conversation.messages[messageId];
        if (!model) return { ok: false, message: NO_MODEL };
        if (generating) return { ok: false, message: BUSY };
        if (!original || !canContinue(original, conversation.leafId)) return { ok: false, message: 'That reply cannot be continued.' };
        const prompt = toPrompt(conversation.settings.systemPrompt, pathTo(conversation.messages, messageId));
        return write(original, prompt, true);
      },

      switchBranch: (messageId, offset) => {
        if (get().generating) return;
        const { activeId } = get();
        const leafId = switchBranch(get().conversations[activeId].messages, messageId, offset);
        if (leafId === null) return;
        void get().changeConversation(
          activeId,
          (conversation) => ({ ...conversation, leafId }),
          (db) => db.patch(activeId, { leafId }),
        );
      },

      stopGeneration: () => generation?.abort(),
    };
  };
