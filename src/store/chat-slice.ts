import { isCancellation, type ChatMessage, type GenerationStats } from '../../workers/protocol';
import { effectiveSettings } from './settings-slice';
import type { SliceCreator } from './types';

export interface ChatEntry {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  /** `streaming` while the reply is being written; `stopped` when the person stopped it; `error` when it failed. */
  status: 'streaming' | 'done' | 'stopped' | 'error';
  stats?: GenerationStats;
}

export interface ChatSlice {
  messages: ChatEntry[];
  generating: boolean;
  send: (text: string) => Promise<void>;
  stopGeneration: () => void;
  clearChat: () => void;
}

let nextMessageId = 1;

/** The conversation as the model sees it: the system prompt (only when set) and every finished turn. */
export function toPrompt(systemPrompt: string, messages: ChatEntry[]): ChatMessage[] {
  const turns: ChatMessage[] = messages
    .filter((message) => message.status !== 'error' && message.content !== '')
    .map((message) => ({ role: message.role, content: message.content }));
  return systemPrompt.trim() ? [{ role: 'system', content: systemPrompt }, ...turns] : turns;
}

export const createChatSlice: SliceCreator<ChatSlice> =
  ({ engine }) =>
  (set, get) => {
    let generation: AbortController | null = null;

    const updateMessage = (id: number, change: (message: ChatEntry) => Partial<ChatEntry>) =>
      set((state) => ({
        messages: state.messages.map((message) => (message.id === id ? { ...message, ...change(message) } : message)),
      }));

    return {
      messages: [],
      generating: false,

      send: async (text) => {
        const content = text.trim();
        const { model, generating } = get();
        if (!content || generating) return;
        if (!model) {
          get().reportError(new Error('Load a model before sending a message.'));
          return;
        }
        const user: ChatEntry = { id: nextMessageId++, role: 'user', content, status: 'done' };
        const reply: ChatEntry = { id: nextMessageId++, role: 'assistant', content: '', status: 'streaming' };
        const prompt = toPrompt(get().systemPrompt, [...get().messages, user]);
        const controller = new AbortController();
        generation = controller;
        set((state) => ({ messages: [...state.messages, user, reply], generating: true }));
        try {
          const result = await engine.call(
            'generate',
            { messages: prompt, settings: effectiveSettings(model.generationDefaults, get().overrides) },
            {
              signal: controller.signal,
              onProgress: (delta) => updateMessage(reply.id, (message) => ({ content: message.content + delta.text })),
            },
          );
          updateMessage(reply.id, () => ({
            content: result.text,
            status: result.stats.stopReason === 'user' ? 'stopped' : 'done',
            stats: result.stats,
          }));
        } catch (error) {
          updateMessage(reply.id, () => ({ status: isCancellation(error) ? 'stopped' : 'error' }));
          get().reportError(error);
        } finally {
          generation = null;
          set({ generating: false });
        }
      },

      stopGeneration: () => generation?.abort(),

      clearChat: () => {
        generation?.abort();
        set({ messages: [] });
      },
    };
  };
