import { del, get, set, type UseStore } from 'idb-keyval';
import { createKeyValueStore } from '../../shared/key-value-store';

/** Choices that outlive a conversation: the system prompt new conversations start with. */
export interface Preferences {
  defaultSystemPrompt: string;
}

/** The stored preferences as this version reads them, and whether a record it cannot read was set aside. */
export interface ReadPreferences {
  preferences: Partial<Preferences>;
  setAside: boolean;
}

const KEY = 'preferences';
/** A record this version cannot read is moved here, as it was, under the time it was found. */
const SET_ASIDE_PREFIX = 'preferences-unreadable-';

export class PreferencesDb {
  constructor(private readonly store: UseStore = createKeyValueStore('airgap-chat-preferences', 'preferences')) {}

  /**
   * The restore step every load goes through: a field this version knows is read, a missing one left to its default,
   * an unknown one dropped; a record whose known field holds something else is set aside (never deleted), so the
   * next save does not overwrite it.
   */
  async read(): Promise<ReadPreferences> {
    const stored: unknown = await get(KEY, this.store);
    if (stored === undefined) return { preferences: {}, setAside: false };
    const prompt = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>).defaultSystemPrompt : null;
    if (typeof prompt === 'string') return { preferences: { defaultSystemPrompt: prompt }, setAside: false };
    if (prompt === undefined) return { preferences: {}, setAside: false };
    await set(`${SET_ASIDE_PREFIX}${Date.now()}`, stored, this.store);
    await del(KEY, this.store);
    return { preferences: {}, setAside: true };
  }

  write(preferences: Preferences): Promise<void> {
    return set(KEY, preferences, this.store);
  }
}
