import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { effectiveSettings } from './settings-slice';
import { toPrompt } from './chat-slice';
import type { CallOptions, EngineApi } from '../engine-client';
import { EngineError, type CallName, type Calls, type LoadedModel } from '../../workers/protocol';
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
  loadMs: 10,
};

/** An engine whose calls the test answers by hand, to drive the store through each state. */
class ManualEngine implements EngineApi {
  readonly calls: { type: CallName; params: unknown; options: CallOptions<never>; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  call<K extends CallName>(type: K, params: Calls[K]['params'], options: CallOptions<Calls[K]['progress']> = {}) {
    return new Promise<Calls[K]['result']>((resolve, reject) => {
      this.calls.push({ type, params, options: options as CallOptions<never>, resolve: resolve as (v: unknown) => void, reject });
      options.signal?.addEventListener('abort', () => reject(new EngineError('cancelled', 'Cancelled.')));
    });
  }
  last(type: CallName) {
    const call = this.calls.filter((c) => c.type === type).at(-1);
    if (!call) throw new Error(`no ${type} call`);
    return call;
  }
}

function setUp() {
  const engine = new ManualEngine();
  const store = createAppStore({ engine, config: { ...DEFAULT_CONFIG, hubUrl: 'https://hub.test', hubUrls: ['https://hub.test'] } });
  return { engine, store };
}

async function loadModel({ engine, store }: ReturnType<typeof setUp>) {
  store.getState().setModelId(' a/b ');
  const loading = store.getState().loadModel();
  engine.last('load').resolve(loadedModel);
  await loading;
}

describe('model slice', () => {
  it('loads the typed repository with the chosen preferences and tracks per-file progress', async () => {
    const { engine, store } = setUp();
    store.getState().setModelId('a/b');
    store.getState().setDevicePreference('wasm');
    const loading = store.getState().loadModel();
    expect(store.getState().loadStatus).toBe('loading');
    const call = engine.last('load');
    expect(call.params).toEqual({ hubUrl: 'https://hub.test', repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'auto' });
    const onProgress = call.options.onProgress as unknown as (p: Calls['load']['progress']) => void;
    onProgress({ file: 'onnx/model.onnx', loaded: 5, total: 10, done: false });
    onProgress({ file: 'onnx/model.onnx', loaded: 10, total: 10, done: true });
    expect(store.getState().files).toEqual([{ file: 'onnx/model.onnx', loaded: 10, total: 10, done: true }]);
    call.resolve(loadedModel);
    await loading;
    expect(store.getState()).toMatchObject({ loadStatus: 'ready', model: loadedModel });
  });

  it('shows a load failure as a notice and a cancellation as nothing', async () => {
    const { engine, store } = setUp();
    store.getState().setModelId('x/y');
    const failing = store.getState().loadModel();
    engine.last('load').reject(new EngineError('repo-not-found', 'The model “x/y” was not found.'));
    await failing;
    expect(store.getState().loadStatus).toBe('error');
    expect(store.getState().notices.map((n) => n.message)).toEqual(['The model “x/y” was not found.']);

    const cancelled = store.getState().loadModel();
    store.getState().cancelLoad();
    await cancelled;
    expect(store.getState().loadStatus).toBe('idle');
    expect(store.getState().notices).toHaveLength(1);
  });

  it('asks for a model id instead of loading an empty one', async () => {
    const { engine, store } = setUp();
    await store.getState().loadModel();
    expect(engine.calls).toHaveLength(0);
    expect(store.getState().notices[0].message).toMatch(/model id/);
  });
});

describe('chat slice', () => {
  it('streams a reply into the assistant message and records its stats', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const sending = store.getState().send('  Hello  ');
    const call = engine.last('generate');
    expect(call.params).toEqual({ messages: [{ role: 'user', content: 'Hello' }], settings: { maxNewTokens: 32, doSample: false } });
    const onProgress = call.options.onProgress as unknown as (p: Calls['generate']['progress']) => void;
    onProgress({ text: 'Hi', generatedTokens: 1 });
    onProgress({ text: ' there', generatedTokens: 2 });
    expect(store.getState().messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Hi there', status: 'streaming' });
    expect(store.getState().generating).toBe(true);
    const stats = { promptTokens: 3, generatedTokens: 2, ttftMs: 5, tokensPerSecond: 9, totalMs: 8, stopReason: 'eos' as const };
    call.resolve({ text: 'Hi there', stats });
    await sending;
    expect(store.getState().messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Hello', 'done'],
      ['assistant', 'Hi there', 'done'],
    ]);
    expect(store.getState().messages[1].stats).toEqual(stats);
    expect(store.getState().generating).toBe(false);
  });

  it('stop aborts the call and marks the reply stopped without an error notice', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const sending = store.getState().send('one');
    store.getState().stopGeneration();
    expect(engine.last('generate').options.signal?.aborted).toBe(true);
    await sending;
    expect(store.getState().messages[1].status).toBe('stopped');
    expect(store.getState().notices).toEqual([]);
  });

  it('reports a failed reply and leaves it out of the next prompt', async () => {
    const setup = setUp();
    await loadModel(setup);
    const { engine, store } = setup;
    const failing = store.getState().send('one');
    engine.last('generate').reject(new EngineError('generation-failed', 'Generation failed: boom'));
    await failing;
    expect(store.getState().messages[1].status).toBe('error');
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Generation failed: boom']);

    store.getState().setSystemPrompt('Be brief.');
    void store.getState().send('two');
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
});

describe('settings', () => {
  it('layers the user changes over the model defaults, with a fallback token limit', () => {
    expect(effectiveSettings({ temperature: 0.6, maxNewTokens: 100 }, { temperature: 0.2 })).toEqual({ temperature: 0.2, maxNewTokens: 100 });
    expect(effectiveSettings({}, {}).maxNewTokens).toBe(1024);
  });

  it('reset drops every override', () => {
    const { store } = setUp();
    store.getState().setOverride('topK', 5);
    store.getState().setOverride('temperature', 0.1);
    store.getState().setOverride('topK', undefined);
    expect(store.getState().overrides).toEqual({ temperature: 0.1 });
    store.getState().resetToModelDefaults();
    expect(store.getState().overrides).toEqual({});
  });

  it('sends no system message when the system prompt is empty', () => {
    expect(toPrompt('  ', [{ id: 1, role: 'user', content: 'hi', status: 'done' }])).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
