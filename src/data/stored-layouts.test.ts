/**
 * The app opens the data earlier versions stored. Each fixture in ./fixtures is the app's IndexedDB as one layout of
 * the conversation database wrote it (both databases: chats and preferences), with the chats as the app held them when
 * it wrote them. The test lays a fixture into a fresh database with the bare IndexedDB API, then opens it with the
 * app's code, which upgrades it to the current layout first when the fixture is older: a migration that forgets a
 * layout fails here.
 *
 * After raising DATABASE_VERSION, save the new layout too (the old fixtures stay as they are; it never overwrites one):
 *   WRITE_LAYOUT_FIXTURE=1 npx vitest run src/data/stored-layouts.test.ts
 * writes fixtures/stored-data-v<DATABASE_VERSION>.json from fixtures/sample-data.ts through the current code; then
 * add it to FIXTURES below. (Version 1 has no fixture: store.test.ts writes its one-store layout by hand.) When a
 * later version reads an old chat differently on purpose (a new field and its default), say so in the expectation here,
 * never by changing the fixture.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pathTo } from '../chat/message-tree';
import type { Conversation } from '../chat/types';
import { DEFAULT_CONFIG } from '../config';
import type { EngineApi } from '../engine-client';
import { createAppStore } from '../store';
import type { Calls, GenerationStats, LoadedModel } from '../../workers/protocol';
import { createKeyValueStore, type StorageBackend } from '../../workers/key-value-store';
import { ConversationDb } from './conversation-db';
import { DATABASE_VERSION } from './conversation-records';
import { dumpDatabase, loadDatabase, type DatabaseDump } from './fixtures/database-dump';
import { SAMPLE_CONVERSATIONS, SAMPLE_PREFERENCES, writeSampleData } from './fixtures/sample-data';
import { PreferencesDb, type Preferences } from './preferences';

interface LayoutFixture {
  about: string;
  databases: DatabaseDump[];
  /** The chats as the app held them when it wrote them. */
  conversations: Conversation[];
  preferences: Preferences;
}

/** The fixture of every layout since version 2, oldest first. */
const FIXTURES = ['stored-data-v2.json'];

const fixtureFile = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

const CONVERSATIONS = 'airgap-chat-conversations';
const PREFERENCES = 'airgap-chat-preferences';

/** A browser profile of its own: a fresh IndexedDB that no other test writes to. */
function freshBackend(): () => Promise<StorageBackend> {
  const backend = { factory: new IDBFactory(), keyRange: IDBKeyRange, inMemory: false };
  return async () => backend;
}

function openWithAppCode(backend: () => Promise<StorageBackend>) {
  return {
    conversationDb: new ConversationDb(CONVERSATIONS, undefined, backend),
    preferencesDb: new PreferencesDb(createKeyValueStore(PREFERENCES, 'preferences', backend)),
  };
}

async function laidOut(fixture: LayoutFixture) {
  const backend = freshBackend();
  const { factory } = await backend();
  for (const database of fixture.databases) await loadDatabase(factory, database);
  return { backend, ...openWithAppCode(backend) };
}

const byId = (conversations: Conversation[]) => [...conversations].sort((a, b) => a.id.localeCompare(b.id));

/** A reply stored while it streamed, and no tab writing it now, was cut off: the app shows it as interrupted. */
function asLoaded(conversation: Conversation): Conversation {
  const messages = Object.values(conversation.messages).map((message) =>
    message.status === 'streaming' ? { ...message, status: 'interrupted' as const } : message,
  );
  return { ...conversation, messages: Object.fromEntries(messages.map((message) => [message.id, message])) };
}

const model: LoadedModel = {
  repo: 'a/b',
  revision: 'c'.repeat(40),
  device: 'wasm',
  dtype: 'q8',
  threads: 2,
  fallbacks: [],
  generationDefaults: { maxNewTokens: 32, doSample: false },
  contextLength: 2048,
  thinkingSwitch: true,
  loadMs: 10,
};
const stats: GenerationStats = { promptTokens: 3, generatedTokens: 2, ttftMs: 5, tokensPerSecond: 9, totalMs: 8, stopReason: 'eos', cachedTokens: 0 };

/** An engine that loads at once and answers every question with the same words. */
function answering(text: string): EngineApi {
  const results: Partial<{ [K in keyof Calls]: Calls[K]['result'] }> = { load: model, generate: { text, stats, droppedMessages: 0 } };
  return {
    call: async (type) => {
      if (!(type in results)) throw new Error(`This test's engine does not answer ${type}.`);
      return results[type] as never;
    },
  };
}

describe.each(FIXTURES)('the app’s data as stored in fixtures/%s', (name) => {
  const fixture = JSON.parse(readFileSync(fixtureFile(name), 'utf8')) as LayoutFixture;

  it('reads back every chat whole: its tree, leaf, settings, model, files and passages', async () => {
    const { conversationDb } = await laidOut(fixture);
    const { conversations, unreadable } = await conversationDb.list();
    expect(unreadable).toEqual([]);
    expect(byId(conversations)).toEqual(byId(fixture.conversations));
    for (const conversation of fixture.conversations) expect(await conversationDb.get(conversation.id)).toEqual(conversation);
  });

  it('starts the app on them: every chat loaded, the newest open, a cut-off reply interrupted, the preferences read', async () => {
    const { conversationDb, preferencesDb } = await laidOut(fixture);
    const store = createAppStore({ engine: answering(''), config: DEFAULT_CONFIG, conversationDb, preferencesDb });
    await store.getState().hydrate();
    await store.getState().loadPreferences();
    const { conversations, activeId, notices, defaultSystemPrompt } = store.getState();
    expect(notices).toEqual([]);
    for (const conversation of fixture.conversations) expect(conversations[conversation.id]).toEqual(asLoaded(conversation));
    expect(activeId).toBe(byId(fixture.conversations).sort((a, b) => b.updatedAt - a.updatedAt)[0].id);
    expect(defaultSystemPrompt).toBe(fixture.preferences.defaultSystemPrompt);
  });

  it('keeps working on them: a new question and its answer, a rename and a deletion are there for the next tab', async () => {
    const { backend, conversationDb, preferencesDb } = await laidOut(fixture);
    const store = createAppStore({ engine: answering('Another answer.'), config: DEFAULT_CONFIG, conversationDb, preferencesDb });
    await store.getState().hydrate();
    store.getState().setModelId('a/b');
    await store.getState().loadModel();
    const [kept, renamed, deleted] = byId(fixture.conversations);
    store.getState().openConversation(kept.id);
    await store.getState().send('Another question');
    await store.getState().renameConversation(renamed.id, 'Renamed after loading');
    await store.getState().deleteConversation(deleted.id);

    const stored = byId((await openWithAppCode(backend).conversationDb.list()).conversations);
    expect(stored.map((conversation) => conversation.id)).toEqual([kept.id, renamed.id]);
    const [keptNow, renamedNow] = stored;
    expect(pathTo(keptNow.messages, keptNow.leafId).map((message) => message.content)).toEqual([
      ...pathTo(kept.messages, kept.leafId).map((message) => message.content),
      'Another question',
      'Another answer.',
    ]);
    for (const id in kept.messages) expect(keptNow.messages[id]).toEqual(kept.messages[id]);
    expect(renamedNow).toEqual({ ...renamed, title: 'Renamed after loading' });
  });
});

describe.runIf(process.env.WRITE_LAYOUT_FIXTURE)('the fixture of the current layout', () => {
  it(`is written to fixtures/stored-data-v${DATABASE_VERSION}.json through this version's code`, async () => {
    const file = fixtureFile(`stored-data-v${DATABASE_VERSION}.json`);
    expect(existsSync(file), 'a fixture is what its version wrote: kept, never written again').toBe(false);
    const backend = freshBackend();
    const { conversationDb, preferencesDb } = openWithAppCode(backend);
    await writeSampleData(conversationDb, preferencesDb);
    const written = await conversationDb.list();
    expect(written.unreadable).toEqual([]);
    expect(byId(written.conversations)).toEqual(byId([...SAMPLE_CONVERSATIONS]));
    const { factory } = await backend();
    const fixture: LayoutFixture = {
      about: `Airgap Chat's IndexedDB as layout version ${DATABASE_VERSION} writes it, made by stored-layouts.test.ts. Do not edit.`,
      databases: [await dumpDatabase(factory, CONVERSATIONS), await dumpDatabase(factory, PREFERENCES)],
      conversations: [...SAMPLE_CONVERSATIONS],
      preferences: SAMPLE_PREFERENCES,
    };
    writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  });
});
