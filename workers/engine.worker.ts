/// <reference lib="webworker" />
import { ChatEngine } from './engine';
import { messageOf } from './error-text';
import { helperFailed } from './helper-worker';
import { Heartbeat } from './liveness';
import { revisionCommit } from './hub';
import { storageBackend } from '../shared/key-value-store';
import { sharedLocks } from '../shared/shared-locks';
import { ModelSource } from './model-source';
import { PassageVectors } from './documents/passage-vectors';
import { ModelStore } from './model-store/model-store';
import { asStorageError } from './model-store/storage-errors';
import { StoreCache } from './model-store/store-cache';
import { watchGpuDevice } from './runtime-env';
import { watchRuntimeThreads } from './runtime-threads';
import type { DownloadDeps } from './model-store/download-manager';
import { deleteStoredModels, storageReport } from './model-store/stored-models';
import {
  EngineError,
  type CallRequest,
  type Calls,
  type CallName,
  type WorkerRequest,
  type WorkerResponse,
} from '../shared/protocol';

declare const self: DedicatedWorkerGlobalScope;

// Before onnxruntime starts any thread: a thread that never starts is then told within seconds.
watchRuntimeThreads();

/** The browser's figures for this site's disk storage, or none while the models live in memory (they say nothing then). */
async function diskEstimate(): Promise<StorageEstimate> {
  return (await storageBackend()).inMemory ? {} : navigator.storage.estimate();
}

// The worker owns the model store: the page asks it for downloads, listings and deletions.
const store = ModelStore.open();
const cache = new StoreCache(store);
const storage: DownloadDeps = {
  store,
  fetch: (...args) => fetch(...args),
  // Locks and estimates exist only in secure contexts; without them downloads run unlocked and unchecked rather than
  // not at all. The locks are set once the storage mode is known; every call waits for that.
  estimate: navigator.storage ? diskEstimate : undefined,
};
const storageReady = sharedLocks().then((locks) => {
  storage.locks = locks;
});
const running = new Map<number, AbortController>();

function post(message: WorkerResponse): void {
  self.postMessage(message);
}

const heartbeat = new Heartbeat(post);
heartbeat.start();
const passageVectors = new PassageVectors();
const engine = new ChatEngine(new ModelSource(store, cache, storage), cache, heartbeat, passageVectors);

function progressOf<K extends CallName>(call: K, id: number): (progress: Calls[K]['progress']) => void {
  return (progress) => post({ type: 'progress', id, call, progress } as WorkerResponse);
}

/** One handler per call: a handler whose params or result do not match its call's in `Calls` does not compile. */
type Handlers = {
  [K in CallName]: (params: Calls[K]['params'], onProgress: (progress: Calls[K]['progress']) => void, signal: AbortSignal) => Promise<Calls[K]['result']>;
};

const handlers: Handlers = {
  inspect: (params, _onProgress, signal) => engine.inspect(params, signal),
  load: async (params, onProgress, signal) => {
    const loaded = await engine.load(params, onProgress, signal);
    if (loaded.device === 'webgpu') void watchGpuDevice((message) => post({ type: 'gpu-lost', message }));
    return loaded;
  },
  download: (params, onProgress, signal) => engine.download(params, onProgress, signal),
  generate: (params, onProgress, signal) => engine.generate(params, onProgress, signal),
  choosePassages: (params, onProgress, signal) => engine.choosePassages(params, onProgress, signal),
  keepPassageVectors: async (params) => ({ removed: await passageVectors.keepOnly(new Set(params.documents)) }),
  latestCommit: async (params, _onProgress, signal) => ({ commit: await revisionCommit(params, signal) }),
  storedModels: () => storageReport(storage),
  deleteStoredModels: (params) => deleteStoredModels(params.id, storage).then(() => storageReport(storage)),
};

async function serve<K extends CallName>(request: CallRequest & { type: K; params: Calls[K]['params'] }, signal: AbortSignal): Promise<Calls[K]['result']> {
  await storageReady;
  const handle = handlers[request.type] as Handlers[K] | undefined;
  if (!handle) throw new EngineError('internal', `Unknown request ${JSON.stringify(request)}.`);
  return handle(request.params, progressOf(request.type, request.id), signal);
}

function toEngineError(thrown: unknown): EngineError {
  const error = asStorageError(thrown);
  if (error instanceof EngineError) return error;
  return new EngineError('internal', `Something went wrong in the engine: ${messageOf(error)}`, { cause: error });
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'cancel') {
    running.get(request.target)?.abort();
    return;
  }
  if (request.type === 'helper-failed') {
    helperFailed(request.helperId);
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  serve(request, controller.signal)
    .then((result) => post({ type: 'result', id: request.id, call: request.type, result } as WorkerResponse))
    .catch((error: unknown) => post({ type: 'error', id: request.id, error: toEngineError(error).toWire() }))
    .finally(() => running.delete(request.id));
};
