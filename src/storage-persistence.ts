import { storageBackend } from '../shared/key-value-store';

let asked: Promise<boolean | null> | null = null;

/**
 * Asks the browser once per page to keep this site's storage when disk space runs low, so downloaded models are not
 * evicted. Page-only API (workers cannot ask). Resolves to whether storage is persistent, or null where the browser
 * has no such API (insecure contexts, old browsers) or refuses this page storage altogether (nothing to keep then).
 */
export function requestPersistentStorage(): Promise<boolean | null> {
  asked ??= (async () => {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!storage?.persist || !storage.persisted || (await storageBackend()).inMemory) return null;
    try {
      return (await storage.persisted()) || (await storage.persist());
    } catch {
      return false;
    }
  })();
  return asked;
}

/** Whether storage is persistent, without asking for it; null where the browser cannot say. */
export async function isStoragePersistent(): Promise<boolean | null> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persisted) return null;
  return storage.persisted().catch(() => null);
}
