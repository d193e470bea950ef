/**
 * The app opens the data earlier versions stored. Each fixture in ./fixtures is the app's IndexedDB as one layout of
 * the conversation database wrote it (both databases: chats and preferences), with the chats as the app held them when
 * it wrote them. The test lays a fixture into a fresh database with the bare IndexedDB API, then opens it with the
 * app's code, which upgrades it to the current layout first when the fixture is older: a migration that forgets a
 * layout fails here.
 *
 * The last test checks that this version still writes its own layout's fixture. After raising DATABASE_VERSION, it
 * fails until the new layout is saved too (the old fixtures stay as they are; it never overwrites one):
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
import type { Calls, GenerationStats, LoadedModel } from '../../shared/protocol';
import { createKeyValueStore, type StorageBackend } from '../../shared/key-value-store';
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
const readFixture = (name: string) => JSON.parse(readFileSync(fixtureFile(name), 'utf8')) as LayoutFixture;

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

/** The store of a tab that just started on `databases`. */
async function startedApp({ conversationDb, preferencesDb }: ReturnType<typeof openWithAppCode>, answer = '') {
  const store = createAppStore({ engine: answering(answer), config: DEFAULT_CONFIG, conversationDb, preferencesDb });
  await store.getState().hydrate();
  return store;
}

describe.each(FIXTURES)('the app’s data as stored in fixtures/%s', (name) => {
  const fixture = readFixture(name);

  it('reads back every chat whole: its tree, leaf, settings, model, files and passages', async () => {
    const { conversationDb } = await laidOut(fixture);
    const { conversations, unreadable } = await conversationDb.list();
    expect(unreadable).toEqual([]);
    expect(byId(conversations)).toEqual(byId(fixture.conversations));
    for (const conversation of fixture.conversations) expect(await conversationDb.get(conversation.id)).toEqual(conversation);
  });

  it('starts the app on them: every chat loaded, the newest open, a cut-off reply interrupted, the preferences read', async () => {
    const store = await startedApp(await laidOut(fixture));
    await store.getState().loadPreferences();
    const { conversations, activeId, notices, defaultSystemPrompt } = store.getState();
    expect(notices).toEqual([]);
    for (const conversation of fixture.conversations) expect(conversations[conversation.id]).toEqual(asLoaded(conversation));
    expect(activeId).toBe(byId(fixture.conversations).sort((a, b) => b.updatedAt - a.updatedAt)[0].id);
    expect(defaultSystemPrompt).toBe(fixture.preferences.defaultSystemPrompt);
  });

  it('keeps working on them: a new question and its answer, a rename and a deletion are there for the next tab', async () => {
    const databases = await laidOut(fixture);
    const store = await startedApp(databases, 'Another answer.');
    store.getState().setModelId('a/b');
    await store.getState().loadModel();
    const [kept, renamed, deleted] = byId(fixture.conversations);
    store.getState().openConversation(kept.id);
    await store.getState().send('Another question');
    await store.getState().renameConversation(renamed.id, 'Renamed after loading');
    await store.getState().deleteConversation(deleted.id);

    const stored = byId((await openWithAppCode(databases.backend).conversationDb.list()).conversations);
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

describe('records this version cannot read', () => {
  const T = 1_750_000_300_000;
  const damaged = [
    { store: 'chats', key: 5, value: { id: 5, title: 'A chat under a number' } },
    {
      store: 'messages',
      key: ['chat-edited', 'no-text'],
      value: { conversationId: 'chat-edited', id: 'no-text', parentId: 'poem-haiku', role: 'assistant', content: 7, status: 'done', createdAt: T },
    },
    {
      store: 'messages',
      key: ['chat-regenerated', 'lost'],
      value: { conversationId: 'chat-regenerated', id: 'lost', parentId: 'gone', role: 'user', content: 'Where?', status: 'done', createdAt: T },
    },
  ];

  /** The version-2 fixture with the damaged records put in its stores, as a bug or a broken disk might leave them. */
  function damagedFixture(): LayoutFixture {
    const fixture = readFixture('stored-data-v2.json');
    const stores = fixture.databases.find((database) => database.name === CONVERSATIONS)!.stores;
    for (const { store, key, value } of damaged) stores.find((found) => found.name === store)!.records.push({ key, value });
    return fixture;
  }

  it('are set aside and reported; the app starts on the rest and works on, and they stay in the database as they were', async () => {
    const fixture = damagedFixture();
    const databases = await laidOut(fixture);
    const store = await startedApp(databases, 'An answer.');
    expect(store.getState().notices.map((notice) => notice.message)).toEqual([
      'Part of the saved chats could not be read by this version of the app and is not shown (1 chat and 2 messages). It is kept in this browser’s storage, unchanged, and Import and export can save it to a file.',
    ]);
    const { conversations } = store.getState();
    for (const conversation of fixture.conversations) expect(conversations[conversation.id]).toEqual(asLoaded(conversation));

    store.getState().setModelId('a/b');
    await store.getState().loadModel();
    store.getState().openConversation('chat-edited');
    await store.getState().send('A question after the damaged reply');
    await store.getState().renameConversation('chat-regenerated', 'Renamed');

    const { factory } = await databases.backend();
    const records = (await dumpDatabase(factory, CONVERSATIONS)).stores.flatMap(({ name, records }) => records.map((record) => ({ store: name, ...record })));
    for (const record of damaged) expect(records).toContainEqual(record);
  });
});

describe('the fixture of the current layout', () => {
  it(`is what this version's code writes (fixtures/stored-data-v${DATABASE_VERSION}.json)`, async () => {
    const file = fixtureFile(`stored-data-v${DATABASE_VERSION}.json`);
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
    if (existsSync(file)) {
      // A fixture is what its version wrote: kept, never written again. Writing differently needs a new version.
      expect(fixture, 'this version writes the layout its fixture holds').toEqual(readFixture(`stored-data-v${DATABASE_VERSION}.json`));
    } else {
      expect(process.env.WRITE_LAYOUT_FIXTURE, `no fixture of layout version ${DATABASE_VERSION}: run WRITE_LAYOUT_FIXTURE=1 npx vitest run src/data/stored-layouts.test.ts`).toBeTruthy();
      writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
    }
  });
});
