import type { StateCreator } from 'zustand';
import type { AppConfig } from '../config';
import type { ConversationDb } from '../data/conversation-db';
import type { PreferencesDb } from '../data/preferences';
import type { EngineApi } from '../engine-client';
import type { AttachmentsSlice } from './attachments-slice';
import type { ChatSlice } from './chat-slice';
import type { ConversationsSlice } from './conversations-slice';
import type { LayoutSlice } from './layout-slice';
import type { ModelSlice } from './model-slice';
import type { NoticeSlice } from './notice-slice';
import type { SettingsSlice } from './settings-slice';
import type { StorageSlice } from './storage-slice';

export type AppState = ModelSlice &
  ChatSlice &
  ConversationsSlice &
  SettingsSlice &
  NoticeSlice &
  StorageSlice &
  LayoutSlice &
  AttachmentsSlice;

export interface StoreDeps {
  engine: EngineApi;
  config: AppConfig;
  /** Where conversations are kept; IndexedDB of this origin unless a test passes its own. */
  conversationDb?: ConversationDb;
  preferencesDb?: PreferencesDb;
}

/** A slice creator that sees the whole store and the dependencies it was built with. */
export type SliceCreator<Slice> = (deps: StoreDeps) => StateCreator<AppState, [], [], Slice>;
