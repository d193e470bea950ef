import { EngineError } from '../../shared/protocol';

export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}

/** A full disk, wherever the store meets it, becomes a message a person can act on; other errors pass through. */
export function asStorageError(error: unknown): unknown {
  if (!isQuotaError(error)) return error;
  return new EngineError(
    'storage-full',
    'The browser ran out of storage for this site. Nothing incomplete is marked as stored: free space by deleting ' +
      'models under Stored models (or on the disk) and load the model again.',
    { cause: error },
  );
}
