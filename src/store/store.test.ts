import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from './index';
import { effectiveSettings } from './settings-slice';
import { listConversations } from './conversations-slice';
import { canContinue, toPrompt } from './chat-slice';
import { pathTo } from '../chat/message-tree';
import type { Conversation } from '../chat/types';
import { createListedIdsSelector, selectMessage, selectShownIds, selectShownVersions } from './selectors';
import { ConversationDb } from '../data/conversation-db';
import { PreferencesDb } from '../data/preferences';
import type { CallOptions, EngineApi } from '../engine-client';
import { EngineError, type CallName, type Calls, type LoadedModel } from '../../shared/protocol';
import { DEFAULT_CONFIG } from '../config';

const loadedModel: LoadedModel = {
  repo: 'a/b',
  revision: 'c'.repeat(40),
  device: 'wasm',
  dtype: 'q8',
  threads: 2,
  fallbacks: [],
  generationDefaults: { maxNewTokens: 32, doSample: false },
  contextLength: 2048,
  thinkingSwitch: false,
  loadMs: 10,
};

/** What the worker answers to a reply stopped by the person: the text written so far, stopped by the user. */
function stoppedReply(text: string, generatedTokens: number): Calls['generate']['result'] {
  return {
    text,
    droppedMessages: 0,
    stats: { promptTokens: 1, generatedTokens, ttftMs: 1, tokensPerSecond: 0, totalMs: 1, stopReason: 'user', cachedTokens: 0 },
  };
}

/**
 * An engine whose calls the test answers by hand, to drive the store through each state. Aborts behave as
 * EngineClient and the worker do: an already aborted signal fails the call as cancelled; an abort while a reply is
 * written resolves it with what was written, stopped by the user; any other call aborted fails as cancelled.
 */
class ManualEngine implements EngineApi {
  readonly calls: {
    type: CallName;
    params: unknown;
    options: CallOptions<never>;
    settled: boolean;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }[] = [];
  call<K extends CallName>(type: K, params: Calls[K]['params'], options: CallOptions<Calls[K]['progress']> = {}) {
    return new Promise<Calls[K]['result']>((resolve, reject) => {
      const call = {
        type,
        params,
        options: { ...options } as CallOptions<never>,
        settled: false,
        resolve: (value: unknown) => {
          call.settled = true;
          resolve(value as Calls[K]['result']);
        },
        reject: (error: unknown) => {
          call.settled = true;
          reject(error);
        },
      };
      this.calls.push(call);
      if (options.signal?.aborted) return call.reject(new EngineError('cancelled', 'Cancelled.'));
      let written = '';
      let generatedTokens = 0;
      const onProgress = options.onProgress as ((progress: unknown) => void) | undefined;
      if (type === 'generate') {
        call.options.onProgress = ((progress: Calls['generate']['progress']) => {
          if (progress.type === 'text') [written, generatedTokens] = [written + progress.text, progress.generatedTokens];
          onProgress?.(progress);
        }) as never;
      }
      options.signal?.addEventListener('abort', () => {
        if (type === 'generate') call.resolve(stoppedReply(written, generatedTokens));
        else call.reject(new EngineError('cancelled', 'Cancelled.'));
      });
    });
  }
  last(type: CallName) {
    const call = this.calls.filter((c) => c.type === type).at(-1);
    if (!call) throw new Error(`no ${type} call`);
    return call;
  }
}

let databases = 0;

/** A store over a fresh IndexedDB database (fake-indexeddb), as a new browser profile would have. */
function setUp(db = new ConversationDb(`chats-${++databases}`)) {
  const engine = new ManualEngine();
  const store = createAppStore({
    engine,
    config: { ...DEFAULT_CONFIG, hubUrl: 'https://hub.test', hubUrls: ['https://hub.test'] },
    conversationDb: db,
    preferencesDb: new PreferencesDb(createStore(`preferences-${databases}`, 'preferences')),
  });
  return { engine, store, db };
}

type Setup = ReturnType<typeof setUp>;

/** The messages of the branch on screen. */
function shownMessages({ store }: Pick<Setup, 'store'>) {
  const { conversations, activeId } = store.getState();
  return pathTo(conversations[activeId].messages, conversations[activeId].leafId);
}

/** The branch on screen, as [role, content, status]. */
function branch(setup: Pick<Setup, 'store'>) {
  return shownMessages(setup).map((m) => [m.role, m.content, m.status]);
}

const stats = { promptTokens: 3, generatedTokens: 2, ttftMs: 5, tokensPerSecond: 9, totalMs: 8, stopReason: 'eos' as const, cachedTokens: 0 };

/** Answers the latest generate call with `text`, streamed in two pieces. */
async function answer(setup: Setup, text: string, pending: Promise<unknown>) {
  await eventually(() => expect(setup.engine.calls.some((c) => c.type === 'generate' && !c.settled)).toBe(true));
  const call = setup.engine.last('generate');
  const onProgress = call.options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
  onProgress({ type: 'text', text: text.slice(0, 2), generatedTokens: 1 });
  onProgress({ type: 'text', text: text.slice(2), generatedTokens: 2 });
  call.resolve({ text, stats, droppedMessages: 0 });
  await pending;
}

/** Waits until `check` passes (the store streams per animation frame and saves on a timer). */
async function eventually(check: () => void) {
  await vi.waitFor(check, { timeout: 2000, interval: 10 });
}

async function loadModel({ engine, store }: Pick<Setup, 'engine' | 'store'>) {
  store.getState().setModelId(' a/b ');
  const loading = store.getState().loadModel();
  engine.last('load').resolve(loadedModel);
  await loading;
}

/**
 * Starts `start` ('loadModel' or 'downloadModel') for model c/d and waits until its download is under way; `running`
 * settles when the call ends (in an object, which awaiting the helper does not unwrap).
 */
async function startDownloadingCD({ engine, store }: Pick<Setup, 'engine' | 'store'>, start: 'loadModel' | 'downloadModel') {
  store.getState().setModelId('c/d');
  const running = store.getState()[start]();
  await eventually(() => expect(engine.calls.some((c) => c.type === 'download' && !c.settled && (c.params as { repo: string }).repo === 'c/d')).toBe(true));
  return { running };
}

describe('model slice', () => {
  it('loads the typed repository with the chosen preferences and tracks its progress', async () => {
    const { engine, store } = setUp();
    store.getState().setModelId('a/b');
    store.getState().setDevicePreference('wasm');
    const loading = store.getState().loadModel();
    expect(store.getState().loadStatus).toBe('loading');
    const call = engine.last('load');
    expect(call.params).toEqual({ hubUrl: 'https://hub.test', repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'auto' });
    const onProgress = call.options.onProgress as unknown as (p: Calls['load']['progress']) => void;
    const progress = (loaded: number): Calls['load']['progress'] => ({
      phase: 'downloading',
      files: [{ file: 'onnx/model.onnx', loaded, total: 10, done: loaded === 10 }],
      loaded,
      total: 10,
      bytesPerSecond: 100,
      secondsLeft: 1,
      note: null,
    });
    onProgress(progress(5));
    onProgress(progress(10));
    expect(store.getState().progress).toEqual(progress(10));
    call.resolve(loadedModel);
    expect(await loading).toEqual({ status: 'ready', model: loadedModel });
    expect(store.getState()).toMatchObject({ loadStatus: 'ready', model: loadedModel, progress: null });
  });

  it('shows a load failure as a notice and a cancellation as nothing, and tells the caller how each ended', async () => {
    const { engine, store } = setUp();
    store.getState().setModelId('x/y');
    const notFound = 'The model “x/y” was not found.';
    const failing = store.getState().loadModel();
    engine.last('load').reject(new EngineError('repo-not-found', notFound));
    expect(await failing).toEqual({ status: 'failed', message: notFound });
    expect(store.getState().loadStatus).toBe('error');
    expect(store.getState().notices.map((n) => n.message)).toEqual([notFound]);
    // The same failure again adds no notice (the one on screen says it), and the caller is still told.
    const again = store.getState().loadModel();
    engine.last('load').reject(new EngineError('repo-not-found', notFound));
    expect(await again).toEqual({ status: 'failed', message: notFound });

    const cancelled = store.getState().loadModel();
    store.getState().cancelLoad();
    expect(await cancelled).toEqual({ status: 'stopped' });
    expect(store.getState().loadStatus).toBe('idle');
    expect(store.getState().notices).toHaveLength(1);
  });

  it('pauses a download keeping its progress, resumes the same repository, and cancels from paused', async () => {
    const { engine, store } = setUp();
    store.getState().setModelId('a/b');
    const first = store.getState().loadModel();
    const progress: Calls['load']['progress'] = {
      phase: 'downloading',
      files: [],
      loaded: 3,
      total: 10,
      bytesPerSecond: 1,
      secondsLeft: 7,
      note: null,
    };
    (engine.last('load').options.onProgress as unknown as (p: Calls['load']['progress']) => void)(progress);
    store.getState().pauseLoad();
    await first;
    expect(store.getState()).toMatchObject({ loadStatus: 'paused', progress, loadingRepo: 'a/b' });
    expect(store.getState().notices).toEqual([]);

    store.getState().setModelId('other/model');
    const resumed = store.getState().resumeLoad();
    expect(engine.last('load').params).toMatchObject({ repo: 'a/b' });
    expect(store.getState()).toMatchObject({ loadStatus: 'loading', progress });
    store.getState().pauseLoad();
    await resumed;
    store.getState().cancelLoad();
    expect(store.getState()).toMatchObject({ loadStatus: 'idle', progress: null });
  });

  it('asks for a model id instead of loading an empty one', async () => {
    const { engine, store } = setUp();
    await store.getState().loadModel();
    expect(engine.calls).toHaveLength(0);
    expect(store.getState().notices[0].message).toMatch(/model id/);
  });
});

describe('chat slice', () => {
  it('streams a reply per frame, records its stats, and sends the prompt with the conversation settings', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const sending = store.getState().send('  Hello  ');
    await eventually(() => expect(engine.calls.some((c) => c.type === 'generate')).toBe(true));
    const call = engine.last('generate');
    expect(call.params).toEqual({
      messages: [{ role: 'user', content: 'Hello' }],
      settings: { maxNewTokens: 32, doSample: false },
      contextLimit: undefined,
      thinking: undefined,
      reuseCache: true,
    });
    const onProgress = call.options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    // A long prompt is read in steps before the first token; the reading shows until the reply starts.
    onProgress({ type: 'prompt', read: 400, total: 1000 });
    expect(store.getState().readingPrompt).toEqual({ type: 'prompt', read: 400, total: 1000 });
    onProgress({ type: 'text', text: 'Hi', generatedTokens: 1 });
    expect(store.getState().readingPrompt).toBeNull();
    onProgress({ type: 'text', text: ' there', generatedTokens: 2 });
    await eventually(() => expect(branch(setup).at(-1)).toEqual(['assistant', 'Hi there', 'streaming']));
    expect(store.getState().generating).toBe(true);
    call.resolve({ text: 'Hi there', stats, droppedMessages: 2 });
    await sending;
    expect(branch(setup)).toEqual([
      ['user', 'Hello', 'done'],
      ['assistant', 'Hi there', 'done'],
    ]);
    const conversation = store.getState().conversations[store.getState().activeId];
    const reply = conversation.messages[conversation.leafId!];
    expect(reply.stats).toEqual(stats);
    expect(reply.droppedMessages).toBe(2);
    expect(conversation.title).toBe('Hello');
    expect(conversation.model).toEqual({ repo: 'a/b', revision: 'c'.repeat(40), device: 'wasm', dtype: 'q8' });
    expect(store.getState().generating).toBe(false);
  });

  it('sends the attached files whole with the message, keeps them on it (also in storage and in an edit), and empties the composer', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    await store.getState().attachFiles([new File(['Alpha beta.'], 'notes.txt'), new File([new Uint8Array([0, 1, 2])], 'blob.bin')]);
    expect(store.getState().pendingAttachments.map((a) => a.name)).toEqual(['notes.txt']);
    expect(store.getState().notices.map((n) => n.message)).toEqual([expect.stringContaining('“blob.bin” is not a text file')]);
    expect(store.getState().readingFiles).toEqual([]);

    // Attached, the files are prepared at once (for no question yet); the question stops that and asks for itself.
    const passageCalls = () => engine.calls.filter((c) => c.type === 'choosePassages');
    expect(passageCalls()).toHaveLength(1);
    expect((passageCalls()[0].params as Calls['choosePassages']['params']).messages).toEqual([{ role: 'user', content: '' }]);
    const sending = store.getState().send('What is in it?');
    await eventually(() => expect(passageCalls()).toHaveLength(2));
    expect(passageCalls()[0].options.signal?.aborted).toBe(true);
    expect(engine.last('choosePassages').params).toEqual({
      messages: [{ role: 'user', content: 'What is in it?' }],
      documents: [{ name: 'notes.txt', text: 'Alpha beta.' }],
      maxNewTokens: 32,
      contextLimit: undefined,
      thinking: undefined,
      embedding: { hubUrl: 'https://hub.test', repo: DEFAULT_CONFIG.embeddingModel, revision: 'main' },
    });
    engine.last('choosePassages').resolve({ passages: null });
    await answer(setup, 'It says alpha.', sending);
    const prompt = () => (engine.last('generate').params as Calls['generate']['params']).messages;
    expect(prompt()).toEqual([
      { role: 'user', content: '<document id="1" name="notes.txt">\nAlpha beta.\n</document>\n\nWhat is in it?' },
    ]);
    expect(store.getState().pendingAttachments).toEqual([]);
    const conversation = store.getState().conversations[store.getState().activeId];
    const question = Object.values(conversation.messages).find((m) => m.role === 'user')!;
    expect(question.content).toBe('What is in it?');
    expect(question.attachments).toMatchObject([{ name: 'notes.txt', kind: 'text', size: 11, text: 'Alpha beta.' }]);
    expect((await setup.db.get(conversation.id))?.messages[question.id].attachments).toEqual(question.attachments);

    // An edit keeps the files; these were too long this time, so the chosen passage goes instead.
    const editing = store.getState().editMessage(question.id, 'And the second word?');
    await eventually(() => expect(passageCalls()).toHaveLength(3));
    engine.last('choosePassages').resolve({ passages: [{ name: 'notes.txt', text: 'Alpha beta.' }] });
    await answer(setup, 'Beta.', editing);
    expect(prompt()[0].content).toMatch(/^<passage id="1" source="notes.txt">\nAlpha beta.\n<\/passage>\n\n.*cite.*\n\nAnd the second word\?$/);
    const edited = Object.values(store.getState().conversations[conversation.id].messages).find((m) => m.content === 'And the second word?')!;
    expect((await setup.db.get(conversation.id))?.messages[edited.id].passages).toEqual([{ name: 'notes.txt', text: 'Alpha beta.' }]);
  });

  it('prepares the attached files while the question is written: from when a model is loaded, again when they change, with its progress shown', async () => {
    const setup = setUp();
    const { engine, store } = setup;
    const passageCalls = () => engine.calls.filter((c) => c.type === 'choosePassages');
    await store.getState().attachFiles([new File(['Alpha beta.'], 'a.txt')]);
    // No model yet: its context decides whether the files go whole.
    expect(passageCalls()).toHaveLength(0);
    await loadModel(setup);
    expect(passageCalls()).toHaveLength(1);
    const progressOf = (index: number) => passageCalls()[index].options.onProgress as unknown as (p: Calls['choosePassages']['progress']) => void;
    progressOf(0)({ stage: 'embedding', done: 8, total: 40 });
    expect(store.getState().preparingFiles).toBe('Preparing the attached files for your question: 8 of 40 passages read');

    // Another file: the preparation starts again with both (what it computed is kept by the engine).
    await store.getState().attachFiles([new File(['Gamma delta.'], 'b.txt')]);
    expect(passageCalls()).toHaveLength(2);
    expect(passageCalls()[0].options.signal?.aborted).toBe(true);
    expect((passageCalls()[1].params as Calls['choosePassages']['params']).documents.map((d) => d.name)).toEqual(['a.txt', 'b.txt']);
    expect(store.getState().preparingFiles).toBeNull();

    // Done: the status goes, and nothing is reported whatever the outcome.
    engine.last('choosePassages').resolve({ passages: [{ name: 'a.txt', text: 'Alpha beta.' }] });
    await eventually(() => expect(store.getState().notices).toEqual([]));

    // Every file removed: nothing more to prepare.
    store.getState().removeAttachment(store.getState().pendingAttachments[0].id);
    expect(passageCalls()).toHaveLength(3);
    progressOf(2)({ stage: 'embedding', done: 1, total: 5 });
    store.getState().removeAttachment(store.getState().pendingAttachments[0].id);
    expect(passageCalls()[2].options.signal?.aborted).toBe(true);
    expect(passageCalls()).toHaveLength(3);
    expect(store.getState().preparingFiles).toBeNull();

    // An edit of a message with files of its own stops the preparation for its passages; it goes on after the reply.
    await store.getState().attachFiles([new File(['Alpha beta.'], 'a.txt')]);
    const sending = store.getState().send('First');
    await eventually(() => expect(store.getState().choosingPassages).not.toBeNull());
    engine.last('choosePassages').resolve({ passages: null });
    await answer(setup, 'Noted.', sending);
    await store.getState().attachFiles([new File(['Epsilon.'], 'c.txt')]);
    const first = Object.values(store.getState().conversations[store.getState().activeId].messages).find((m) => m.content === 'First')!;
    const preparing = passageCalls().at(-1)!;
    const editing = store.getState().editMessage(first.id, 'First, again');
    await eventually(() => expect(preparing.options.signal?.aborted).toBe(true));
    engine.last('choosePassages').resolve({ passages: null });
    await answer(setup, 'Again.', editing);
    expect((passageCalls().at(-1)!.params as Calls['choosePassages']['params']).documents.map((d) => d.name)).toEqual(['c.txt']);
    expect(passageCalls().at(-1)!.options.signal?.aborted).toBe(false);
  });

  it('Stop while the passages are chosen ends that, writes no reply and reports nothing; the question keeps its files', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    await store.getState().attachFiles([new File(['Alpha beta.'], 'notes.txt')]);
    const sending = store.getState().send('What is in it?');
    await eventually(() => expect(store.getState().choosingPassages).not.toBeNull());
    store.getState().stopGeneration();
    expect(engine.last('choosePassages').options.signal?.aborted).toBe(true);
    await sending;
    expect(store.getState().choosingPassages).toBeNull();
    expect(engine.calls.some((c) => c.type === 'generate')).toBe(false);
    expect(store.getState().notices).toEqual([]);
    expect(shownMessages(setup).map((m) => [m.role, m.attachments?.map((a) => a.name)])).toEqual([['user', ['notes.txt']]]);
  });

  it('keeps at most ten files for a message and says so', async () => {
    const { store } = setUp();
    await store.getState().attachFiles(Array.from({ length: 12 }, (_, i) => new File([`file ${i}`], `${i}.txt`)));
    expect(store.getState().pendingAttachments).toHaveLength(10);
    expect(store.getState().notices[0].message).toMatch(/up to 10 files/);
    store.getState().removeAttachment(store.getState().pendingAttachments[0].id);
    expect(store.getState().pendingAttachments.map((a) => a.name)).toEqual(['1.txt', '2.txt', '3.txt', '4.txt', '5.txt', '6.txt', '7.txt', '8.txt', '9.txt']);
  });

  it('attaches a file from the chats as it was read, under a new id, once, and within the ten-file limit', () => {
    const { store } = setUp();
    const notes = { id: 'old', name: 'notes.txt', kind: 'text' as const, size: 11, text: 'Alpha beta.' };
    store.getState().attachFromChats(notes);
    store.getState().attachFromChats({ ...notes, id: 'again' });
    const [pending] = store.getState().pendingAttachments;
    expect(store.getState().pendingAttachments).toHaveLength(1);
    expect(pending).toEqual({ ...notes, id: expect.not.stringMatching(/^old$/) });
    for (let i = 1; i <= 10; i++) store.getState().attachFromChats({ ...notes, name: `${i}.txt` });
    expect(store.getState().pendingAttachments).toHaveLength(10);
    expect(store.getState().notices.at(-1)?.message).toMatch(/up to 10 files/);
  });

  it('stop aborts the call and marks the reply stopped, keeping what was written, without an error notice', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const pieces: string[] = [];
    const sending = store.getState().send('one', { onText: (text) => pieces.push(text) });
    await eventually(() => expect(engine.calls.some((c) => c.type === 'generate')).toBe(true));
    const onProgress = engine.last('generate').options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    onProgress({ type: 'text', text: 'Hel', generatedTokens: 1 });
    onProgress({ type: 'text', text: 'lo', generatedTokens: 2 });
    store.getState().stopGeneration();
    expect(engine.last('generate').options.signal?.aborted).toBe(true);
    const outcome = await sending;
    expect(branch(setup)[1]).toEqual(['assistant', 'Hello', 'stopped']);
    expect(store.getState().notices).toEqual([]);
    // The caller (the embed bridge) is handed each piece as it comes, and the reply as it ended.
    expect(pieces).toEqual(['Hel', 'lo']);
    expect(outcome).toMatchObject({ ok: true, conversationId: store.getState().activeId, reply: { content: 'Hello', status: 'stopped' } });
  });

  it('a reply that fails tells its caller why, as the notice does', async () => {
    const setup = setUp();
    await loadModel(setup);
    const sending = setup.store.getState().send('one');
    await eventually(() => expect(setup.engine.calls.some((c) => c.type === 'generate')).toBe(true));
    setup.engine.last('generate').reject(new EngineError('generation-failed', 'Generation failed: out of memory.'));
    expect(await sending).toEqual({ ok: false, message: 'Generation failed: out of memory.' });
    expect(setup.store.getState().notices.map((n) => n.message)).toEqual(['Generation failed: out of memory.']);
    expect(await setup.store.getState().send('   ')).toEqual({ ok: false, message: 'The message is empty.' });
  });

  it('an engine that stops mid-reply: the reply keeps what arrived as interrupted, and the model is loaded again as it was', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    store.getState().setDevicePreference('webgpu');
    const sending = store.getState().send('one');
    await eventually(() => expect(engine.calls.some((c) => c.type === 'generate')).toBe(true));
    (engine.last('generate').options.onProgress as unknown as (p: Calls['generate']['progress']) => void)({ type: 'text', text: 'Hal', generatedTokens: 1 });
    await eventually(() => expect(branch(setup).at(-1)).toEqual(['assistant', 'Hal', 'streaming']));

    // What the engine client does: fail the pending calls, then tell the store.
    const reason = 'The engine stopped answering (nothing heard from it for 16 s).';
    engine.last('generate').reject(new EngineError('engine-stopped', reason));
    store.getState().engineLost(reason);
    await sending;
    expect(branch(setup).at(-1)).toEqual(['assistant', 'Hal', 'interrupted']);
    expect(store.getState().notices.map((n) => n.message)).toEqual([`${reason} Your chats are kept; a/b is being loaded again from storage.`]);
    const reload = engine.last('load');
    // Exactly what was loaded, whatever the preferences now say.
    expect(reload.params).toMatchObject({ repo: 'a/b', device: 'wasm', dtype: 'q8' });
    reload.resolve(loadedModel);
    await eventually(() => expect(store.getState().loadStatus).toBe('ready'));

    // A second stop with no finished reply in between: the model stays unloaded, and the notice says what to try.
    store.getState().engineLost(reason);
    expect(store.getState().loadStatus).toBe('idle');
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(2);
    expect(store.getState().notices.at(-1)?.message).toContain('a/b stopped the engine 2 times in a row, so it was not loaded again. Try smaller weights');

    // A finished reply in between starts the count again.
    await loadModel(setup);
    await answer(setup, 'fine', store.getState().send('two'));
    store.getState().engineLost(reason);
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(4);
  });

  it('an engine that stops before the conversation came out of the chat template blames the template, and reloads the model every time', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const reason = 'The engine stopped answering (nothing heard from it for 16 s).';
    const progressOf = () => engine.last('generate').options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    for (const attempt of [1, 2, 3]) {
      const sending = store.getState().send(`long chat ${attempt}`);
      await eventually(() => expect(engine.calls.filter((c) => c.type === 'generate')).toHaveLength(attempt));
      engine.last('generate').reject(new EngineError('engine-stopped', reason));
      store.getState().engineLost(reason);
      await sending;
      expect(branch(setup).at(-1)).toEqual(['assistant', '', 'interrupted']);
      expect(store.getState().notices.at(-1)?.message).toBe(
        `${reason} It stopped while putting this conversation into a/b's chat template, which seems not to finish on it. Your chats are kept; ` +
          'the model is being loaded again from storage. Start a new chat, or delete earlier messages of this one, before trying again; if short chats stop too, use another model.',
      );
      // Not counted against the model: it is loaded again each time.
      expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(attempt + 1);
      engine.last('load').resolve(loadedModel);
      await eventually(() => expect(store.getState().loadStatus).toBe('ready'));
    }

    // Once the template is done, a stop is the model's, as before.
    const sending = store.getState().send('short');
    await eventually(() => expect(engine.calls.filter((c) => c.type === 'generate')).toHaveLength(4));
    progressOf()({ type: 'prompt-built', tokens: 12 });
    engine.last('generate').reject(new EngineError('engine-stopped', reason));
    store.getState().engineLost(reason);
    await sending;
    expect(store.getState().notices.at(-1)?.message).toBe(`${reason} Your chats are kept; a/b is being loaded again from storage.`);
  });

  it('downloads another model while the loaded one keeps answering, and switches only once it is stored', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const { running: switching } = await startDownloadingCD(setup, 'loadModel');
    expect(store.getState()).toMatchObject({ loadStatus: 'loading', loadingRepo: 'c/d', model: { repo: 'a/b' } });

    // The loaded model answers during the download.
    await answer(setup, 'still a/b', store.getState().send('meanwhile'));
    expect(branch(setup).at(-1)).toEqual(['assistant', 'still a/b', 'done']);
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(1);

    // Stored while another reply is being written: that reply stops, kept, and only then does the old model make way.
    const sending = store.getState().send('and more');
    await eventually(() => expect(engine.calls.some((c) => c.type === 'generate' && !c.settled)).toBe(true));
    const writing = engine.last('generate');
    (writing.options.onProgress as unknown as (p: Calls['generate']['progress']) => void)({ type: 'text', text: 'Half', generatedTokens: 1 });
    engine.last('download').resolve({ repo: 'c/d', dtype: 'q8', bytes: 1 });
    await eventually(() => expect(engine.last('load').params).toMatchObject({ repo: 'c/d' }));
    expect(store.getState().model).toBeNull();
    expect((writing.options.signal as AbortSignal).aborted, 'the reply was asked to stop').toBe(true);
    writing.reject(new EngineError('cancelled', 'Cancelled.'));
    await sending;
    expect(branch(setup).at(-1)).toEqual(['assistant', 'Half', 'stopped']);
    engine.last('load').resolve({ ...loadedModel, repo: 'c/d' });
    await switching;
    expect(store.getState()).toMatchObject({ loadStatus: 'ready', model: { repo: 'c/d' } });
  });

  it('Download for offline use stores a model and loads nothing; Resume after a pause still only stores it', async () => {
    const { engine, store } = setUp();
    const { running: downloading } = await startDownloadingCD({ engine, store }, 'downloadModel');
    store.getState().pauseLoad();
    engine.last('download').reject(new EngineError('cancelled', 'Cancelled.'));
    await downloading;
    expect(store.getState().loadStatus).toBe('paused');
    const resuming = store.getState().resumeLoad();
    await eventually(() => expect(engine.calls.filter((c) => c.type === 'download')).toHaveLength(2));
    engine.last('download').resolve({ repo: 'c/d', dtype: 'q8', bytes: 1 });
    await resuming;
    expect(store.getState()).toMatchObject({ loadStatus: 'idle', model: null, storedForOffline: 'c/d' });
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(0);
  });

  it('queues downloads for offline use asked for while another runs, one at a time, in order, however each ends', async () => {
    const { engine, store } = setUp();
    const download = (repo: string) => {
      store.getState().setModelId(repo);
      return store.getState().downloadModel();
    };
    const first = download('a/one');
    await eventually(() => expect(engine.last('download').params).toMatchObject({ repo: 'a/one' }));
    await download('a/two');
    await download('a/three');
    await download('a/two');
    await download('a/one');
    expect(store.getState().downloadQueue, 'each once, and not the one under way').toEqual(['a/two', 'a/three']);
    store.getState().unqueueDownload('a/three');
    await download('a/four');
    expect(engine.calls.filter((c) => c.type === 'download')).toHaveLength(1);

    // The first fails: the next starts all the same.
    engine.last('download').reject(new EngineError('network', 'Could not reach the model hub.'));
    await first;
    await eventually(() => expect(engine.last('download').params).toMatchObject({ repo: 'a/two' }));
    expect(store.getState().downloadQueue).toEqual(['a/four']);

    // A paused download holds its place; cancelling it lets the queue go on.
    store.getState().pauseLoad();
    engine.last('download').reject(new EngineError('cancelled', 'Cancelled.'));
    await eventually(() => expect(store.getState().loadStatus).toBe('paused'));
    expect(engine.calls.filter((c) => c.type === 'download')).toHaveLength(2);
    store.getState().cancelLoad();
    await eventually(() => expect(engine.last('download').params).toMatchObject({ repo: 'a/four' }));
    engine.last('download').resolve({ repo: 'a/four', dtype: 'q8', bytes: 1 });
    await eventually(() => expect(store.getState()).toMatchObject({ loadStatus: 'idle', storedForOffline: 'a/four', downloadQueue: [] }));
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(0);
  });

  it('a download cancelled or failed beside a loaded model leaves that model ready', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const { running: failing } = await startDownloadingCD(setup, 'loadModel');
    engine.last('download').reject(new EngineError('network', 'Could not reach the model hub.'));
    await failing;
    expect(store.getState()).toMatchObject({ loadStatus: 'ready', model: { repo: 'a/b' } });
    expect(store.getState().notices.at(-1)?.message).toBe('Could not reach the model hub.');
  });

  it('an engine that stops while another model downloads beside the loaded one reloads the loaded one and says the download stopped', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const { running: downloading } = await startDownloadingCD(setup, 'loadModel');
    const reason = 'The engine stopped unexpectedly (worker error).';
    engine.last('download').reject(new EngineError('engine-stopped', reason));
    store.getState().engineLost(reason);
    await downloading;
    expect(store.getState().notices.map((n) => n.message)).toEqual([
      `${reason} Your chats are kept; a/b is being loaded again from storage. The download of c/d stopped with it; what arrived is kept, so loading it again finishes it.`,
    ]);
    expect(engine.last('load').params).toMatchObject({ repo: 'a/b', device: 'wasm', dtype: 'q8' });
    engine.last('load').resolve(loadedModel);
    await eventually(() => expect(store.getState()).toMatchObject({ loadStatus: 'ready', model: { repo: 'a/b' } }));
  });

  it('an engine that stops during a download for offline use says so, without blaming the model’s size', async () => {
    const { engine, store } = setUp();
    const { running: downloading } = await startDownloadingCD({ engine, store }, 'downloadModel');
    engine.last('download').reject(new EngineError('engine-stopped', 'The engine stopped unexpectedly (worker error).'));
    store.getState().engineLost('The engine stopped unexpectedly (worker error).');
    await downloading;
    expect(store.getState().notices.map((n) => n.message)).toEqual([
      'The engine stopped unexpectedly (worker error). It happened while downloading c/d; what arrived is kept, so downloading it again finishes it.',
    ]);
  });

  it('a lost GPU device reloads the model on WebGPU once, and after a second loss on WASM, saying so each time', async () => {
    const { engine, store } = setUp();
    const onGpu: LoadedModel = { ...loadedModel, device: 'webgpu', dtype: 'q4f16', threads: 1 };
    store.getState().setModelId('a/b');
    const loading = store.getState().loadModel();
    engine.last('load').resolve(onGpu);
    await loading;
    const reason = 'The GPU stopped working (the device was lost).';

    store.getState().engineLost(reason, { gpuLost: true });
    expect(engine.last('load').params).toMatchObject({ repo: 'a/b', device: 'webgpu', dtype: 'q4f16' });
    expect(store.getState().notices.at(-1)?.message).toBe(`${reason} Your chats are kept; a/b is being loaded on WebGPU again.`);
    engine.last('load').resolve(onGpu);
    await eventually(() => expect(store.getState().loadStatus).toBe('ready'));

    store.getState().engineLost(reason, { gpuLost: true });
    expect(engine.last('load').params).toMatchObject({ repo: 'a/b', device: 'wasm', dtype: 'q4f16' });
    expect(store.getState().notices.at(-1)?.message).toMatch(/It happened again, so a\/b is being loaded on WASM \(the CPU\)/);
    engine.last('load').resolve({ ...onGpu, device: 'wasm' });
    await eventually(() => expect(store.getState().loadStatus).toBe('ready'));
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(3);
  });

  it('an engine that stops while loading fails the load with advice, and nothing is reloaded', async () => {
    const { engine, store } = setUp();
    store.getState().setModelId('a/b');
    const loading = store.getState().loadModel();
    engine.last('load').reject(new EngineError('engine-stopped', 'The engine stopped unexpectedly (out of memory).'));
    store.getState().engineLost('The engine stopped unexpectedly (out of memory).');
    await loading;
    expect(store.getState().loadStatus).toBe('error');
    expect(engine.calls.filter((c) => c.type === 'load')).toHaveLength(1);
    expect(store.getState().notices.map((n) => n.message)).toEqual([
      expect.stringMatching(/^The engine stopped unexpectedly \(out of memory\)\. It happened while loading a\/b, which often means .* Try smaller weights/),
    ]);
  });

  it('reports a failed reply and leaves it out of the next prompt', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const failing = store.getState().send('one');
    await eventually(() => expect(engine.calls.some((c) => c.type === 'generate')).toBe(true));
    engine.last('generate').reject(new EngineError('generation-failed', 'Generation failed: boom'));
    await failing;
    expect(branch(setup)[1][2]).toBe('error');
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Generation failed: boom']);

    store.getState().setSystemPrompt('Be brief.');
    void store.getState().send('two');
    await eventually(() => expect(engine.calls.filter((c) => c.type === 'generate')).toHaveLength(2));
    expect((engine.last('generate').params as Calls['generate']['params']).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('refuses to send before a model is loaded', async () => {
    const { engine, store } = setUp();
    await store.getState().send('hello');
    expect(engine.calls).toHaveLength(0);
    expect(store.getState().notices[0].message).toMatch(/Load a model/);
  });

  it('edit and regenerate make branches that can be switched, and a branch can be deleted', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { store } = setup;
    await answer(setup, 'first answer', store.getState().send('question'));
    const [question, firstAnswer] = shownMessages(setup);

    const regenerating = store.getState().regenerate(firstAnswer.id);
    await eventually(() => expect(branch(setup)).toHaveLength(2));
    await answer(setup, 'second answer', regenerating);
    expect(branch(setup)).toEqual([
      ['user', 'question', 'done'],
      ['assistant', 'second answer', 'done'],
    ]);
    expect((setup.engine.last('generate').params as Calls['generate']['params']).messages).toEqual([{ role: 'user', content: 'question' }]);

    const editing = store.getState().editMessage(question.id, 'better question');
    await eventually(() => expect(setup.engine.calls.filter((c) => c.type === 'generate')).toHaveLength(3));
    await answer(setup, 'third answer', editing);
    expect(branch(setup)).toEqual([
      ['user', 'better question', 'done'],
      ['assistant', 'third answer', 'done'],
    ]);

    const editedQuestion = shownMessages(setup)[0];
    store.getState().switchBranch(editedQuestion.id, -1);
    expect(branch(setup), 'the old question comes back with its newest answer').toEqual([
      ['user', 'question', 'done'],
      ['assistant', 'second answer', 'done'],
    ]);

    await store.getState().deleteBranch(question.id);
    expect(branch(setup)).toEqual([
      ['user', 'better question', 'done'],
      ['assistant', 'third answer', 'done'],
    ]);
  });
});

describe('conversations slice', () => {
  it('keeps conversations across a restart, marks a reply cut off mid-stream as interrupted', async () => {
    const first = setUp();
    await loadModel(first);
    await answer(first, 'kept answer', first.store.getState().send('remember me'));
    const pending = first.store.getState().send('second question');
    await eventually(() => expect(first.engine.calls.filter((c) => c.type === 'generate')).toHaveLength(2));
    const onProgress = first.engine.last('generate').options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    onProgress({ type: 'text', text: 'partial ans', generatedTokens: 3 });
    // The streaming reply is saved on a timer, without waiting for its end.
    await eventually(async () => {
      const stored = (await first.db.list()).conversations[0];
      expect(Object.values(stored.messages).some((m) => m.content === 'partial ans' && m.status === 'streaming')).toBe(true);
    });

    const second = setUp(first.db);
    await second.store.getState().hydrate();
    expect(branch(second)).toEqual([
      ['user', 'remember me', 'done'],
      ['assistant', 'kept answer', 'done'],
      ['user', 'second question', 'done'],
      ['assistant', 'partial ans', 'interrupted'],
    ]);
    expect(second.store.getState().conversations[second.store.getState().activeId].title).toBe('remember me');
    first.store.getState().stopGeneration();
    await pending;
  });

  it('new, rename, search and delete', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { store, db } = setup;
    await answer(setup, 'about cats', store.getState().send('Tell me about cats'));
    const cats = store.getState().activeId;
    store.getState().newConversation();
    expect(store.getState().activeId).not.toBe(cats);
    await answer(setup, 'about dogs', store.getState().send('Tell me about dogs'));
    await store.getState().renameConversation(cats, 'Felines');
    expect((await db.get(cats))?.title).toBe('Felines');

    store.getState().setSearchQuery('DOGS');
    expect(listConversations(store.getState()).map((c) => c.title)).toEqual(['Tell me about dogs']);
    store.getState().setSearchQuery('about cats');
    expect(listConversations(store.getState()).map((c) => c.title)).toEqual(['Felines']);

    await store.getState().deleteConversation(cats);
    expect(await db.get(cats)).toBeUndefined();
    expect(store.getState().conversations[cats]).toBeUndefined();
  });

  it('stores a new conversation only once it has a message, with the default system prompt', async () => {
    const setup = setUp();
    setup.store.getState().setDefaultSystemPrompt('You are terse.');
    setup.store.getState().newConversation();
    setup.store.getState().setOverride('temperature', 0.3);
    expect((await setup.db.list()).conversations).toEqual([]);
    await loadModel(setup);
    await answer(setup, 'ok', setup.store.getState().send('hi'));
    const [stored] = (await setup.db.list()).conversations;
    expect(stored.settings).toEqual({ systemPrompt: 'You are terse.', overrides: { temperature: 0.3 } });
  });

  it('imports a valid export as new conversations and refuses a broken one without changing anything', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { store, db } = setup;
    await answer(setup, 'answer', store.getState().send('question'));
    const exported = store.getState().exportAll();
    expect(await store.getState().importConversations(new Blob([exported.text]))).toBe(1);
    expect((await db.list()).conversations).toHaveLength(2);

    const before = await db.list();
    expect(await store.getState().importConversations(new Blob([exported.text.replace('"role": "user"', '"role": "system"')]))).toBe(0);
    expect(store.getState().notices.at(-1)?.message).toMatch(/damaged and was not imported/);
    expect(await db.list()).toEqual(before);
  });

  it('refuses a file too large to be an export from its size, without reading it', async () => {
    const { store } = setUp();
    const read = vi.fn(async () => '');
    expect(await store.getState().importConversations({ size: 200 * 1024 * 1024, text: read })).toBe(0);
    expect(read).not.toHaveBeenCalled();
    expect(store.getState().notices.at(-1)?.message).toBe(
      'This file is larger than 50 MB, too large to be a conversation export. Nothing was changed.',
    );
  });

  it('hears another tab’s changes over the broadcast channel', async () => {
    const shared = `chats-${++databases}`;
    const tabA = setUp(new ConversationDb(shared));
    const tabB = setUp(new ConversationDb(shared));
    await tabA.store.getState().hydrate();
    await tabB.store.getState().hydrate();
    await loadModel(tabA);
    await answer(tabA, 'from tab A', tabA.store.getState().send('hello from A'));
    const id = tabA.store.getState().activeId;
    await eventually(() => expect(tabB.store.getState().conversations[id]?.title).toBe('hello from A'));
    await tabB.store.getState().renameConversation(id, 'Renamed in B');
    await eventually(() => expect(tabA.store.getState().conversations[id].title).toBe('Renamed in B'));
    expect(Object.keys(tabA.store.getState().conversations[id].messages)).toHaveLength(2);
  });
});

describe('saving and rendering cost, whatever the length of the chat', () => {
  /** Streams `pieces` into the reply to `question`, waiting for a save after each, and returns what the saves put. */
  async function streamWithSaves(setup: Setup, question: string, pieces: string[]) {
    const put = vi.spyOn(IDBObjectStore.prototype, 'put');
    const sending = setup.store.getState().send(question);
    await eventually(() => expect(setup.engine.calls.some((c) => c.type === 'generate' && !c.settled)).toBe(true));
    const call = setup.engine.last('generate');
    const onProgress = call.options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    let text = '';
    for (const piece of pieces) {
      onProgress({ type: 'text', text: piece, generatedTokens: 1 });
      text += piece;
      const { activeId } = setup.store.getState();
      await eventually(async () => {
        const stored = await setup.db.get(activeId);
        expect(Object.values(stored!.messages).some((m) => m.content === text)).toBe(true);
      });
    }
    call.resolve({ text, stats, droppedMessages: 0 });
    await sending;
    const writes = put.mock.contexts.map((store, index) => ({ store: (store as IDBObjectStore).name, value: put.mock.calls[index][0] }));
    put.mockRestore();
    return writes;
  }

  it('a streamed reply writes its own message record at each save, and the chat’s fields only when they change', { timeout: 20_000 }, async () => {
    const setup = setUp();
    await loadModel(setup);
    for (let turn = 0; turn < 20; turn++) await answer(setup, `answer ${turn}`, setup.store.getState().send(`question ${turn}`));
    const writes = await streamWithSaves(setup, 'one more', ['Streamed ', 'in ', 'three saves']);

    const conversation = setup.store.getState().conversations[setup.store.getState().activeId];
    const [question, reply] = pathTo(conversation.messages, conversation.leafId).slice(-2);
    const messageWrites = writes.filter((write) => write.store === 'messages');
    const chatWrites = writes.filter((write) => write.store === 'chats');
    expect(messageWrites.length + chatWrites.length, 'nothing else is written').toBe(writes.length);
    // The question once, the reply when it starts, at each of the three saves and when it ends.
    expect(messageWrites.map((write) => (write.value as { id: string }).id)).toEqual([question.id, ...Array(5).fill(reply.id)]);
    // The chat's fields: once for the question (its new leaf and time), once for the reply (its new leaf).
    expect(chatWrites).toHaveLength(2);
    expect(chatWrites.every((write) => !('messages' in (write.value as object)))).toBe(true);
    expect((await setup.db.get(conversation.id))?.messages[reply.id].content).toBe('Streamed in three saves');
  });

  it('a streamed delta leaves the branch, the versions, the other messages and the chat list as they were', async () => {
    const setup = setUp();
    await loadModel(setup);
    await answer(setup, 'first answer', setup.store.getState().send('first question'));
    const listed = createListedIdsSelector();
    const sending = setup.store.getState().send('second question');
    await eventually(() => expect(setup.engine.calls.some((c) => c.type === 'generate' && !c.settled)).toBe(true));
    const onProgress = setup.engine.last('generate').options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    onProgress({ type: 'text', text: 'Hel', generatedTokens: 1 });
    await eventually(() => expect(shownMessages(setup).at(-1)?.content).toBe('Hel'));
    const before = setup.store.getState();
    const firstId = shownMessages(setup)[0].id;
    onProgress({ type: 'text', text: 'lo', generatedTokens: 2 });
    await eventually(() => expect(shownMessages(setup).at(-1)?.content).toBe('Hello'));
    const after = setup.store.getState();
    expect(after.conversations).not.toBe(before.conversations);
    expect(selectShownIds(after)).toBe(selectShownIds(before));
    expect(selectShownVersions(after)).toBe(selectShownVersions(before));
    expect(selectMessage(firstId)(after)).toBe(selectMessage(firstId)(before));
    expect(listed(after)).toBe(listed(before));
    setup.engine.last('generate').resolve({ text: 'Hello', stats, droppedMessages: 0 });
    await sending;
  });

  it('loads chats stored in the version-1 layout (one record per chat, messages inside) and keeps working on them', async () => {
    const name = `chats-${++databases}`;
    const old: Conversation = {
      id: 'old-chat',
      title: 'From before',
      createdAt: 1,
      updatedAt: 2,
      settings: { systemPrompt: 'Be brief.', overrides: { temperature: 0.5 } },
      model: null,
      messages: {
        q: { id: 'q', parentId: null, role: 'user', content: 'Old question', status: 'done', createdAt: 1 },
        a: { id: 'a', parentId: 'q', role: 'assistant', content: 'Old answer', status: 'done', createdAt: 2 },
        b: { id: 'b', parentId: 'q', role: 'assistant', content: 'Cut off', status: 'streaming', createdAt: 3 },
      },
      leafId: 'b',
    };
    // As version 1 of the app wrote it (idb-keyval's store: out-of-line keys, the whole conversation as the value).
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('conversations').put(old, old.id);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });

    const setup = setUp(new ConversationDb(name));
    await setup.store.getState().hydrate();
    expect(setup.store.getState().activeId).toBe('old-chat');
    expect(branch(setup)).toEqual([
      ['user', 'Old question', 'done'],
      ['assistant', 'Cut off', 'interrupted'],
    ]);
    expect(setup.store.getState().conversations['old-chat'].settings).toEqual(old.settings);
    await loadModel(setup);
    setup.store.getState().switchBranch('b', -1);
    await answer(setup, 'new answer', setup.store.getState().send('new question'));
    const stored = await setup.db.get('old-chat');
    expect(Object.keys(stored!.messages)).toHaveLength(5);
    expect(pathTo(stored!.messages, stored!.leafId).map((m) => m.content)).toEqual(['Old question', 'Old answer', 'new question', 'new answer']);
  });

  it('keeps version-1 records that cannot be moved whole in the old store, shows what can be shown, and saves them to a file', async () => {
    const name = `chats-${++databases}`;
    const question = { id: 'q', parentId: null, role: 'user', content: 'Kept question', status: 'done', createdAt: 1 };
    const records: [IDBValidKey, unknown][] = [
      // Its second message has no id, so it has no key in the new layout.
      ['half', { id: 'half', title: 'Half readable', createdAt: 1, updatedAt: 5, leafId: 'q', messages: { q: question, x: { content: 'no id' } } }],
      ['no-id', { title: 'A chat without an id' }],
      ['odd', 'not even a record'],
    ];
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore('conversations');
        for (const [key, value] of records) store.put(value, key);
      };
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });

    for (const attempt of [1, 2]) {
      const setup = setUp(new ConversationDb(name));
      await setup.store.getState().hydrate();
      const state = setup.store.getState();
      expect(state.activeId, `start ${attempt}`).toBe('half');
      expect(branch(setup)).toEqual([['user', 'Kept question', 'done']]);
      expect(state.notices.map((notice) => notice.message)).toEqual([
        'Part of the saved chats could not be read by this version of the app and is not shown (3 chats). It is kept in this browser’s storage, unchanged, and Import and export can save it to a file.',
      ]);
      const file = await state.exportUnreadable();
      expect(file.fileName).toBe('airgap-chat-unreadable-records.json');
      const saved = JSON.parse(file.text) as { unreadableRecords: { store: string; key: IDBValidKey; value: unknown }[] };
      expect(saved.unreadableRecords.map(({ store, key, value }) => [store, key, value])).toEqual(
        [...records].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([key, value]) => ['conversations', key, value]),
      );
    }
  });
});

describe('storage slice', () => {
  it('shows the worker report and deletes through it', async () => {
    const { engine, store } = setUp();
    const report = { models: [], usage: 5, quota: 100, inMemory: false };
    const refreshing = store.getState().refreshStorage();
    engine.last('storedModels').resolve(report);
    await refreshing;
    expect(store.getState().storage).toEqual(report);

    const deleting = store.getState().deleteStoredModels('m1');
    expect(engine.last('deleteStoredModels').params).toEqual({ id: 'm1' });
    engine.last('deleteStoredModels').reject(new EngineError('in-use', 'm1 is being downloaded right now and was kept.'));
    await Promise.resolve();
    engine.last('storedModels').resolve(report);
    await deleting;
    expect(store.getState().notices.map((n) => n.message)).toEqual(['m1 is being downloaded right now and was kept.']);
  });

  it('asks the hub about a stored model only when told to, and says what it found', async () => {
    const { engine, store } = setUp();
    const model = {
      id: 'm1', hubUrl: 'https://hub.test', repo: 'a/b', revision: 'main', commit: 'a'.repeat(40), dtype: 'q8' as const,
      bytes: 1, storedBytes: 1, complete: true, lastUsed: 0,
    };
    const check = (commit: string | null) => {
      const checking = store.getState().checkForNewerRevision(model);
      expect(store.getState().revisionChecks.m1).toEqual({ status: 'checking' });
      expect(engine.last('latestCommit').params).toEqual({ hubUrl: 'https://hub.test', repo: 'a/b', revision: 'main' });
      engine.last('latestCommit').resolve({ commit });
      return checking;
    };
    await check('a'.repeat(40));
    expect(store.getState().revisionChecks.m1).toEqual({ status: 'current' });
    await check('b'.repeat(40));
    expect(store.getState().revisionChecks.m1).toEqual({ status: 'newer', commit: 'b'.repeat(40) });

    const failing = store.getState().checkForNewerRevision(model);
    engine.last('latestCommit').reject(new EngineError('network', 'Could not reach the model hub.'));
    await failing;
    expect(store.getState().revisionChecks.m1).toEqual({ status: 'failed', message: 'Could not reach the model hub.' });
  });
});

describe('settings', () => {
  it('layers the user changes over the model defaults, with a fallback token limit', () => {
    expect(effectiveSettings({ temperature: 0.6, maxNewTokens: 100 }, { temperature: 0.2 })).toEqual({ temperature: 0.2, maxNewTokens: 100 });
    expect(effectiveSettings({}, {}).maxNewTokens).toBe(1024);
  });

  it('continues a reply that ran into its limit: the prompt ends with it, and the new words are appended to it', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const sending = store.getState().send('Tell me');
    await eventually(() => expect(engine.calls.some((c) => c.type === 'generate' && !c.settled)).toBe(true));
    engine.last('generate').resolve({ text: 'Once upon', stats: { ...stats, stopReason: 'length' }, droppedMessages: 0 });
    await sending;
    const replyId = store.getState().conversations[store.getState().activeId].leafId!;
    expect(canContinue(shownMessages(setup).at(-1)!, replyId)).toBe(true);

    const continuing = store.getState().continueReply(replyId);
    await answer(setup, ' a time', continuing);
    expect(engine.last('generate').params).toMatchObject({
      messages: [
        { role: 'user', content: 'Tell me' },
        { role: 'assistant', content: 'Once upon' },
      ],
      continueReply: true,
    });
    expect(branch(setup)).toEqual([
      ['user', 'Tell me', 'done'],
      ['assistant', 'Once upon a time', 'done'],
    ]);
    expect(canContinue(shownMessages(setup).at(-1)!, replyId), 'it ended on its own this time').toBe(false);
  });

  it('reset drops every override of the conversation, its context limit and its thinking switch', () => {
    const { store } = setUp();
    const settings = () => store.getState().conversations[store.getState().activeId].settings;
    store.getState().setOverride('topK', 5);
    store.getState().setOverride('temperature', 0.1);
    store.getState().setOverride('topK', undefined);
    store.getState().setContextLimit(512);
    store.getState().setThinking(false);
    expect(settings()).toMatchObject({ overrides: { temperature: 0.1 }, contextLimit: 512, thinking: false });
    store.getState().resetToModelDefaults();
    expect(settings()).toEqual({ systemPrompt: '', overrides: {} });
  });

  it('sends no system message when the system prompt is empty', () => {
    expect(toPrompt('  ', [{ id: '1', parentId: null, role: 'user', content: 'hi', status: 'done', createdAt: 0 }])).toEqual([
      { role: 'user', content: 'hi' },
    ]);
  });
});
