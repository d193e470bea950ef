import 'fake-indexeddb/auto';
import { createStore, entries, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { EngineApi } from '../engine-client';
import { createAppStore } from '../store';
import { ConversationDb } from './conversation-db';
import { PreferencesDb } from './preferences';

let databases = 0;

function openPreferences() {
  const keyValues = createStore(`preferences-test-${++databases}`, 'preferences');
  return { keyValues, preferencesDb: new PreferencesDb(keyValues) };
}

describe('PreferencesDb', () => {
  it('reads what it knows of a stored record, leaves a missing field to its default and drops unknown ones', async () => {
    const { keyValues, preferencesDb } = openPreferences();
    expect(await preferencesDb.read()).toEqual({ preferences: {}, setAside: false });
    await set('preferences', { defaultSystemPrompt: 'Be brief.', fieldOfALaterVersion: 1 }, keyValues);
    expect(await preferencesDb.read()).toEqual({ preferences: { defaultSystemPrompt: 'Be brief.' }, setAside: false });
    await set('preferences', { fieldOfALaterVersion: 1 }, keyValues);
    expect(await preferencesDb.read()).toEqual({ preferences: {}, setAside: false });
  });

  it('sets a record it cannot read aside, as it was, says so once, and the next save does not overwrite it', async () => {
    const { keyValues, preferencesDb } = openPreferences();
    const unreadable = { defaultSystemPrompt: { text: 'Be brief.', language: 'en' } };
    await set('preferences', unreadable, keyValues);
    const engine: EngineApi = { call: () => Promise.reject(new Error('not used')) };
    const conversationDb = new ConversationDb(`preferences-chats-${databases}`);
    const store = createAppStore({ engine, config: DEFAULT_CONFIG, conversationDb, preferencesDb });
    await store.getState().loadPreferences();
    expect(store.getState().defaultSystemPrompt).toBe('');
    expect(store.getState().notices.map((notice) => notice.message)).toEqual([expect.stringMatching(/^The default prompt for new chats, .* could not be read\. It is kept/)]);

    await store.getState().loadPreferences();
    expect(store.getState().notices).toHaveLength(1);
    store.getState().setDefaultSystemPrompt('Answer in French.');
    await expect.poll(async () => (await preferencesDb.read()).preferences).toEqual({ defaultSystemPrompt: 'Answer in French.' });
    const kept = (await entries(keyValues)).filter(([key]) => String(key).startsWith('preferences-unreadable-'));
    expect(kept.map(([, value]) => value)).toEqual([unreadable]);
  });
});
