import { EngineError } from '../../shared/protocol';

/** Delays between attempts that made no progress: 0.25 s doubling to 15 s; an attempt that got bytes starts over. */
export const RETRY_LIMIT = 8;

export function backoffMs(failuresInARow: number): number {
  return Math.min(15_000, 250 * 2 ** Math.max(0, failuresInARow - 1));
}

/** Waits `ms`, or rejects with a cancellation as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new EngineError('cancelled', 'Cancelled.'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new EngineError('cancelled', 'Cancelled.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Errors worth another attempt: the connection failed or broke off, or the server was briefly unwell. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
