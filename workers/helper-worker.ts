/// <reference lib="webworker" />
import type { HelperName, StartHelperMessage, StopHelperMessage } from '../shared/protocol';

declare const self: DedicatedWorkerGlobalScope;

let nextHelperId = 1;
const failed = new Map<number, () => void>();

/**
 * A worker the engine hands work to (rendering an untrusted chat template, hashing a large file), started by the page
 * and reached through a MessagePort. Not started here: Firefox ESR builds a worker started from a worker while the
 * starting worker's thread waits, and now and then that wait outlasted the page's hang watchdog (the engine stayed
 * silent inside `new Worker` for over 15 s, then was taken for hung: 3 of 33 runs of the Firefox suite). A worker the
 * page starts loads while the engine goes on.
 */
export class HelperWorker<Answer> {
  /** What the helper posts. */
  onmessage: ((answer: Answer) => void) | null = null;
  /** The helper could not be started or failed to load. */
  onfailed: (() => void) | null = null;
  private readonly id = nextHelperId++;
  private readonly port: MessagePort;

  constructor(helper: HelperName) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.onmessage = ({ data }: MessageEvent<Answer>) => this.onmessage?.(data);
    failed.set(this.id, () => this.onfailed?.());
    self.postMessage({ type: 'start-helper', helperId: this.id, helper, port: channel.port2 } satisfies StartHelperMessage, [channel.port2]);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  /** Ends the helper, mid-task if need be; once. */
  terminate(): void {
    if (!failed.delete(this.id)) return;
    this.port.close();
    self.postMessage({ type: 'stop-helper', helperId: this.id } satisfies StopHelperMessage);
  }
}

/** Whether helpers can be asked for: only the engine's worker has a page that starts them (unit tests run without). */
export function helpersAvailable(): boolean {
  return typeof WorkerGlobalScope !== 'undefined';
}

/** The page's word that helper `helperId` could not start. */
export function helperFailed(helperId: number): void {
  failed.get(helperId)?.();
}
