import { createStore, get, set, type UseStore } from 'idb-keyval';

/** Choices that outlive a conversation: the system prompt new conversations start with. */
export interface Preferences {
  defaultSystemPrompt: string;
}

const KEY = 'preferences';

export class PreferencesDb {
  constructor(private readonly store: UseStore = createStore('airgap-chat-preferences', 'preferences')) {}

  async read(): Promise<Partial<Preferences>> {
    const stored = await get<Partial<Preferences>>(KEY, this.store);
    return typeof stored?.defaultSystemPrompt === 'string' ? { defaultSystemPrompt: stored.defaultSystemPrompt } : {};
  }

  write(preferences: Preferences): Promise<void> {
    return set(KEY, preferences, this.store);
  }
}
