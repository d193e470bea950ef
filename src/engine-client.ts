import { EngineError, HEARTBEAT_MS, type CallName, type Calls, type HelperName, type WorkerRequest, type WorkerResponse } from '../shared/protocol';
import { HelperWorkers } from './helper-workers';
import { SilenceWatch } from './silence-watch';

export interface CallOptions<Progress> {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** What the page needs of the engine. The worker proxy implements it; unit tests may pass their own. */
export interface EngineApi {
  call<K extends CallName>(
    type: K,
    params: Calls[K]['params'],
    options?: CallOptions<Calls[K]['progress']>,
  ): Promise<Calls[K]['result']>;
}

interface Pending {
  request: WorkerRequest;
  /** Already sent again to a fresh worker after a `runtime-switch` or `runtime-stuck`; a second one is an error. */
  switched: boolean;
  resolve: (result: never) => void;
  reject: (error: EngineError) => void;
  onProgress?: (progress: never) => void;
}

/**
 * Talks to the engine worker: one id per call, a map of pending promises, cancellation through AbortSignal. Watches
 * the worker's heartbeat too: a worker that crashed, closed or hung is replaced, and its pending calls fail with
 * `engine-stopped`.
 */
export class WorkerEngineClient implements EngineApi {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly silence = new SilenceWatch();
  private readonly helpers: HelperWorkers;
  private readonly watchdog: ReturnType<typeof setInterval>;

  constructor(
    private readonly createWorker: () => Worker,
    /**
     * Called with what happened after a stopped worker was replaced: the model it held is gone. `gpuLost`: it stopped
     * because its GPU device was lost, not because it crashed or hung.
     */
    private readonly onRestart: (reason: string, cause: { gpuLost: boolean }) => void = () => {},
    /** Starts a helper worker the engine asks for; the real ones by default. */
    startHelper?: (helper: HelperName) => Worker,
  ) {
    this.helpers = new HelperWorkers((helperId) => this.post({ type: 'helper-failed', helperId }), startHelper);
    this.worker = this.spawn();
    this.watchdog = setInterval(() => {
      const silentMs = this.silence.check();
      if (silentMs === null) return;
      // A worker that never came back from starting onnxruntime held no model yet: its calls go to a fresh one, once.
      if (this.silence.runtimeStarting && this.sendToFreshWorkerOnce()) return;
      this.restart(`The engine stopped answering (nothing heard from it for ${Math.round(silentMs / 1000)} s).`);
    }, HEARTBEAT_MS);
  }

  call<K extends CallName>(
    type: K,
    params: Calls[K]['params'],
    options: CallOptions<Calls[K]['progress']> = {},
  ): Promise<Calls[K]['result']> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new EngineError('cancelled', 'Cancelled.'));
    const id = this.nextId++;
    const request = { type, id, params } as WorkerRequest;
    return new Promise<Calls[K]['result']>((resolve, reject) => {
      const onAbort = () => this.post({ type: 'cancel', id: this.nextId++, target: id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        request,
        switched: false,
        resolve: ((result: Calls[K]['result']) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        }) as Pending['resolve'],
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        onProgress: onProgress as Pending['onProgress'],
      });
      this.post(request);
    });
  }

  dispose(): void {
    clearInterval(this.watchdog);
    this.worker.terminate();
    this.helpers.stopAll();
    this.failAll(new EngineError('cancelled', 'The engine was shut down.'));
  }

  private post(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  private spawn(): Worker {
    const worker = this.createWorker();
    this.silence.reset();
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.restart(`The engine stopped unexpectedly (${event.message || 'worker error'}).`);
    };
    worker.onmessageerror = () => this.restart('The engine sent a message that could not be read.');
    return worker;
  }

  /** A stopped worker loses its model; every pending call fails, and a fresh worker takes the next call. */
  private restart(reason: string, gpuLost = false): void {
    this.worker.terminate();
    this.helpers.stopAll();
    this.worker = this.spawn();
    this.failAll(new EngineError('engine-stopped', reason));
    this.onRestart(reason, { gpuLost });
  }

  /**
   * A worker holds one onnxruntime build for its life; a load that needs the other one (WebGPU after WASM, or WASM's
   * faster build after WebGPU) runs in a fresh worker, as does one whose runtime got stuck starting. Nothing is lost:
   * the model in the old worker was being replaced (or there was none), and every call still pending there is sent
   * again, with its id, to the new one.
   */
  private switchWorker(): void {
    this.worker.terminate();
    this.helpers.stopAll();
    this.worker = this.spawn();
    for (const call of this.pending.values()) this.post(call.request);
  }

  /** switchWorker, unless a pending call was already sent to a fresh worker: then false, and nothing is done. */
  private sendToFreshWorkerOnce(): boolean {
    const calls = [...this.pending.values()];
    if (calls.length === 0 || calls.some((call) => call.switched)) return false;
    for (const call of calls) call.switched = true;
    this.switchWorker();
    return true;
  }

  private failAll(error: EngineError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) call.reject(error);
  }

  private receive(message: WorkerResponse): void {
    if (message.type === 'alive') {
      this.silence.heard(message);
      return;
    }
    this.silence.heard();
    if (message.type === 'start-helper') {
      this.helpers.open(message);
      return;
    }
    if (message.type === 'stop-helper') {
      this.helpers.stop(message.helperId);
      return;
    }
    if (message.type === 'gpu-lost') {
      this.restart(`The GPU stopped working (${message.message.replace(/\.$/, '')}).`, true);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    switch (message.type) {
      case 'progress':
        call.onProgress?.(message.progress as never);
        return;
      case 'result':
        this.pending.delete(message.id);
        call.resolve(message.result as never);
        return;
      case 'error':
        if ((message.error.code === 'runtime-switch' || message.error.code === 'runtime-stuck') && !call.switched) {
          call.switched = true;
          this.switchWorker();
          return;
        }
        this.pending.delete(message.id);
        call.reject(EngineError.fromWire(message.error));
        return;
      default: {
        const unknown: never = message;
        throw new Error(`Unknown engine message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
