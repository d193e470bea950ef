import { get, set, type UseStore } from 'idb-keyval';
import { createKeyValueStore } from '../../shared/key-value-store';

/** Choices that outlive a conversation: the system prompt new conversations start with. */
export interface Preferences {
  defaultSystemPrompt: string;
}

const KEY = 'preferences';

export class PreferencesDb {
  constructor(private readonly store: UseStore = createKeyValueStore('airgap-chat-preferences', 'preferences')) {}

  async read(): Promise<Partial<Preferences>> {
    const stored = await get<Partial<Preferences>>(KEY, this.store);
    return typeof stored?.defaultSystemPrompt === 'string' ? { defaultSystemPrompt: stored.defaultSystemPrompt } : {};
  }

  write(preferences: Preferences): Promise<void> {
    return set(KEY, preferences, this.store);
  }
}
