import type { HelperName, StartHelperMessage } from '../shared/protocol';

/** The page starts the engine's helper workers (see workers/helper-worker.ts for why not the engine itself). */
export function startHelperWorker(helper: HelperName): Worker {
  switch (helper) {
    case 'template-trial':
      return new Worker(new URL('../workers/template-trial.worker.ts', import.meta.url), { type: 'module', name: 'template-trial' });
    case 'sha256':
      return new Worker(new URL('../workers/model-store/sha256.worker.ts', import.meta.url), { type: 'module', name: 'sha256' });
  }
}

/** The helper workers one engine worker asked for, running until it stops them or is itself replaced. */
export class HelperWorkers {
  private readonly running = new Map<number, Worker>();

  constructor(
    /** Tells the engine that a helper it asked for could not start. */
    private readonly onFailed: (helperId: number) => void,
    private readonly start: (helper: HelperName) => Worker = startHelperWorker,
  ) {}

  /** Starts the helper and hands it the engine's port. */
  open({ helperId, helper, port }: StartHelperMessage): void {
    let worker: Worker;
    try {
      worker = this.start(helper);
    } catch {
      this.onFailed(helperId);
      return;
    }
    worker.onerror = (event) => {
      event.preventDefault();
      this.stop(helperId);
      this.onFailed(helperId);
    };
    worker.postMessage(port, [port]);
    this.running.set(helperId, worker);
  }

  stop(helperId: number): void {
    this.running.get(helperId)?.terminate();
    this.running.delete(helperId);
  }

  stopAll(): void {
    for (const helperId of [...this.running.keys()]) this.stop(helperId);
  }
}
