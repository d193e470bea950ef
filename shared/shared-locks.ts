import { storageBackend } from './key-value-store';

/**
 * Web Locks where they mean something. They coordinate tabs that share this origin's storage; when the browser
 * refused that storage (see key-value-store.ts) each tab keeps its own data in memory, there is nothing to
 * coordinate, and the browser refuses the locks as well ("The request was denied."). Undefined then, and where the
 * browser has no Web Locks: callers go on without them.
 */
export async function sharedLocks(): Promise<LockManager | undefined> {
  return (await storageBackend()).inMemory ? undefined : globalThis.navigator?.locks;
}
