import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerEngineClient } from './engine-client';
import {
  DEFAULT_QUIET_MS,
  EngineError,
  HEARTBEAT_MS,
  type HelperFailedRequest,
  type HelperName,
  type WorkerRequest,
  type WorkerResponse,
} from '../shared/protocol';

/** Stands in for the browser's Worker: records what the page posts and lets the test answer. */
class ScriptedWorker {
  readonly posted: Exclude<WorkerRequest, HelperFailedRequest>[] = [];
  readonly helpersFailed: number[] = [];
  /** What a helper worker was handed. */
  readonly received: unknown[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(request: WorkerRequest | MessagePort) {
    if (request instanceof MessagePort) this.received.push(request);
    else if (request.type === 'helper-failed') this.helpersFailed.push(request.helperId);
    else this.posted.push(structuredClone(request));
  }
  terminate() {
    this.terminated = true;
  }
  answer(response: WorkerResponse) {
    this.onmessage?.({ data: structuredClone(response) } as MessageEvent<WorkerResponse>);
  }
  crash(message: string) {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

function setUp() {
  const workers: ScriptedWorker[] = [];
  const restarts: string[] = [];
  const gpuLosses: boolean[] = [];
  const helpers: { helper: HelperName; worker: ScriptedWorker }[] = [];
  const client = new WorkerEngineClient(
    () => {
      const worker = new ScriptedWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    (reason, { gpuLost }) => {
      restarts.push(reason);
      gpuLosses.push(gpuLost);
    },
    (helper) => {
      const worker = new ScriptedWorker();
      helpers.push({ helper, worker });
      return worker as unknown as Worker;
    },
  );
  return { client, workers, restarts, gpuLosses, helpers };
}

const ref = { hubUrl: 'https://hub.test', repo: 'a/b', revision: 'main' };

describe('WorkerEngineClient', () => {
  it('gives every call its own id and routes progress and results back to it', async () => {
    const { client, workers } = setUp();
    const progress: number[] = [];
    const load = client.call('load', { ...ref, device: 'auto', dtype: 'auto' }, { onProgress: (p) => progress.push(p.loaded) });
    const inspect = client.call('inspect', ref);
    const [loadRequest, inspectRequest] = workers[0].posted;
    expect(loadRequest.id).not.toBe(inspectRequest.id);

    workers[0].answer({ type: 'progress', id: loadRequest.id, call: 'load', progress: { phase: 'downloading', files: [{ file: 'f', loaded: 5, total: 9, done: false }], loaded: 5, total: 9, bytesPerSecond: 0, secondsLeft: null, note: null } });
    workers[0].answer({ type: 'result', id: inspectRequest.id, call: 'inspect', result: { repo: 'a/b', commit: null, offers: [] } });
    workers[0].answer({ type: 'error', id: loadRequest.id, error: { name: 'EngineError', code: 'repo-not-found', message: 'gone' } });

    await expect(inspect).resolves.toEqual({ repo: 'a/b', commit: null, offers: [] });
    await expect(load).rejects.toMatchObject({ name: 'EngineError', code: 'repo-not-found', message: 'gone' });
    expect(progress).toEqual([5]);
  });

  it('sends a cancel for the call when its signal aborts', async () => {
    const { client, workers } = setUp();
    const controller = new AbortController();
    const generate = client.call('generate', { messages: [], settings: { maxNewTokens: 5 }, reuseCache: false }, { signal: controller.signal });
    controller.abort();
    const [request, cancel] = workers[0].posted;
    expect(cancel).toMatchObject({ type: 'cancel', target: request.id });
    workers[0].answer({ type: 'error', id: request.id, error: new EngineError('cancelled', 'Cancelled.').toWire() });
    await expect(generate).rejects.toMatchObject({ code: 'cancelled', name: 'AbortError' });
  });

  it('rejects a call whose signal is already aborted without posting it', async () => {
    const { client, workers } = setUp();
    await expect(client.call('inspect', ref, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    expect(workers[0].posted).toEqual([]);
  });

  it('fails every pending call when the worker crashes, and starts a fresh worker', async () => {
    const { client, workers, restarts } = setUp();
    const pending = client.call('inspect', ref);
    workers[0].crash('out of memory');
    await expect(pending).rejects.toMatchObject({ code: 'engine-stopped', message: 'The engine stopped unexpectedly (out of memory).' });
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(restarts).toEqual(['The engine stopped unexpectedly (out of memory).']);
    void client.call('inspect', ref);
    expect(workers[1].posted).toHaveLength(1);
  });

  it('replaces a worker whose GPU device was lost, failing its calls, and says it was the GPU', async () => {
    const { client, workers, restarts, gpuLosses } = setUp();
    const pending = client.call('inspect', ref);
    workers[0].answer({ type: 'gpu-lost', message: 'A valid external Instance reference no longer exists.' });
    const reason = 'The GPU stopped working (A valid external Instance reference no longer exists).';
    await expect(pending).rejects.toMatchObject({ code: 'engine-stopped', message: reason });
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(restarts).toEqual([reason]);
    expect(gpuLosses).toEqual([true]);
  });

  it('sends a load that needs the other onnxruntime build again to a fresh worker, once, with the calls still pending', async () => {
    const { client, workers, restarts } = setUp();
    const load = client.call('load', { ...ref, device: 'webgpu', dtype: 'auto' });
    const inspect = client.call('inspect', ref);
    const [loadRequest, inspectRequest] = workers[0].posted;
    workers[0].answer({ type: 'error', id: loadRequest.id, error: new EngineError('runtime-switch', 'other build').toWire() });

    expect(workers[0].terminated).toBe(true);
    expect(workers[1].posted).toEqual([loadRequest, inspectRequest]);
    expect(restarts).toEqual([]);
    workers[1].answer({ type: 'result', id: inspectRequest.id, call: 'inspect', result: { repo: 'a/b', commit: null, offers: [] } });
    await expect(inspect).resolves.toMatchObject({ repo: 'a/b' });
    workers[1].answer({ type: 'error', id: loadRequest.id, error: new EngineError('runtime-switch', 'again').toWire() });
    await expect(load).rejects.toMatchObject({ code: 'runtime-switch' });
    expect(workers).toHaveLength(2);
  });

  it('sends a load whose runtime got stuck to a fresh worker once, then reports it', async () => {
    const { client, workers } = setUp();
    const load = client.call('load', { hubUrl: 'https://hub.test', repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'q8' });
    const loadRequest = workers[0].posted[0];
    workers[0].answer({ type: 'error', id: loadRequest.id, error: new EngineError('runtime-stuck', 'stuck').toWire() });
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].posted).toEqual([loadRequest]);
    workers[1].answer({ type: 'error', id: loadRequest.id, error: new EngineError('runtime-stuck', 'stuck again').toWire() });
    await expect(load).rejects.toMatchObject({ code: 'runtime-stuck', message: 'stuck again' });
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  describe('helper workers', () => {
    // A port is transferred, never cloned: these messages reach the client as they are.
    const startHelper = (worker: ScriptedWorker, helperId: number, helper: HelperName) => {
      const { port2 } = new MessageChannel();
      worker.onmessage?.({ data: { type: 'start-helper', helperId, helper, port: port2 } } as MessageEvent<WorkerResponse>);
      return port2;
    };

    it('starts the helper an engine asks for, hands it the engine’s port, and stops it when asked', () => {
      const { client, workers, helpers } = setUp();
      const port = startHelper(workers[0], 1, 'sha256');
      expect(helpers.map(({ helper }) => helper)).toEqual(['sha256']);
      expect(helpers[0].worker.received).toEqual([port]);
      workers[0].answer({ type: 'stop-helper', helperId: 1 });
      expect(helpers[0].worker.terminated).toBe(true);
      client.dispose();
    });

    it('tells the engine when a helper fails to load', () => {
      const { client, workers, helpers } = setUp();
      startHelper(workers[0], 7, 'template-trial');
      helpers[0].worker.crash('could not load');
      expect(helpers[0].worker.terminated).toBe(true);
      expect(workers[0].helpersFailed).toEqual([7]);
      client.dispose();
    });

    it('stops the helpers of an engine that is replaced', () => {
      const { client, workers, helpers } = setUp();
      startHelper(workers[0], 1, 'template-trial');
      workers[0].crash('boom');
      expect(helpers[0].worker.terminated).toBe(true);
      client.dispose();
    });
  });

  describe('heartbeat', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const fakeClock = () => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const alive = (quietMs = DEFAULT_QUIET_MS): WorkerResponse => ({ type: 'alive', quietMs });

    it('replaces a worker that falls silent (closed or hung) once its allowance has passed, failing its calls', async () => {
      fakeClock();
      const { client, workers, restarts } = setUp();
      const pending = client.call('generate', { messages: [], settings: { maxNewTokens: 5 }, reuseCache: false });
      for (let second = 0; second < 10; second++) {
        workers[0].answer(alive());
        vi.advanceTimersByTime(HEARTBEAT_MS);
      }
      expect(restarts).toEqual([]);
      vi.advanceTimersByTime(DEFAULT_QUIET_MS + HEARTBEAT_MS);
      expect(restarts).toEqual([expect.stringMatching(/^The engine stopped answering \(nothing heard from it for 1[67] s\)\.$/)]);
      expect(workers[0].terminated).toBe(true);
      await expect(pending).rejects.toMatchObject({ code: 'engine-stopped' });
      client.dispose();
    });

    it('waits as long as the worker announced before a step that blocks it', () => {
      fakeClock();
      const { client, workers, restarts } = setUp();
      workers[0].answer(alive(120_000));
      vi.advanceTimersByTime(100_000);
      // Any other message meanwhile keeps the announced allowance.
      workers[0].answer({ type: 'progress', id: 1, call: 'generate', progress: { type: 'text', text: 'a', generatedTokens: 1 } });
      vi.advanceTimersByTime(100_000);
      expect(restarts).toEqual([]);
      vi.advanceTimersByTime(21_000);
      expect(restarts).toHaveLength(1);
      // The fresh worker starts with the default allowance.
      vi.advanceTimersByTime(DEFAULT_QUIET_MS - 2 * HEARTBEAT_MS);
      expect(restarts).toHaveLength(1);
      vi.advanceTimersByTime(3 * HEARTBEAT_MS);
      expect(restarts).toHaveLength(2);
      client.dispose();
    });

    it('sends the calls of a worker that fell silent starting the runtime to a fresh worker, once', async () => {
      fakeClock();
      const { client, workers, restarts } = setUp();
      const load = client.call('load', { ...ref, device: 'wasm', dtype: 'q8' });
      const loadRequest = workers[0].posted[0];
      const starting: WorkerResponse = { type: 'alive', quietMs: 30_000, runtimeStarting: true };
      workers[0].answer(starting);
      vi.advanceTimersByTime(30_000 + 2 * HEARTBEAT_MS);
      expect(workers[0].terminated).toBe(true);
      expect(workers[1].posted).toEqual([loadRequest]);
      expect(restarts).toEqual([]);

      workers[1].answer(starting);
      vi.advanceTimersByTime(30_000 + 2 * HEARTBEAT_MS);
      expect(restarts).toEqual([expect.stringMatching(/^The engine stopped answering/)]);
      await expect(load).rejects.toMatchObject({ code: 'engine-stopped' });
      client.dispose();
    });

    it('does not blame the worker for a suspension of the whole page (sleep, a frozen tab)', () => {
      const clock = fakeClock();
      const { client, restarts } = setUp();
      // The clock jumps an hour while no timer runs, as it does when a laptop sleeps.
      clock.setSystemTime(Date.now() + 3_600_000);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect(restarts).toEqual([]);
      vi.advanceTimersByTime(DEFAULT_QUIET_MS + HEARTBEAT_MS);
      expect(restarts).toHaveLength(1);
      client.dispose();
    });
  });
});
