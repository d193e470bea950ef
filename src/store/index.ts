import { createStore } from 'zustand/vanilla';
import { createAttachmentsSlice } from './attachments-slice';
import { createChatSlice } from './chat-slice';
import { createConversationsSlice } from './conversations-slice';
import { createLayoutSlice } from './layout-slice';
import { createModelSlice } from './model-slice';
import { createNoticeSlice } from './notice-slice';
import { createSettingsSlice } from './settings-slice';
import { createStorageSlice } from './storage-slice';
import type { AppState, StoreDeps } from './types';

export type { AppState, StoreDeps } from './types';

/** One store for all UI state, built from slices that each own their state and actions. */
export function createAppStore(deps: StoreDeps) {
  return createStore<AppState>()((...args) => ({
    ...createModelSlice(deps)(...args),
    ...createChatSlice(deps)(...args),
    ...createConversationsSlice(deps)(...args),
    ...createSettingsSlice(deps)(...args),
    ...createNoticeSlice(deps)(...args),
    ...createStorageSlice(deps)(...args),
    ...createLayoutSlice(deps)(...args),
    ...createAttachmentsSlice(deps)(...args),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
