import { del, get, keys, set } from 'idb-keyval';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { chooseStorageBackend, createKeyValueStore, type StorageBackend } from './key-value-store';

/** A browser that refuses IndexedDB the way Chromium does in a frame with third-party storage blocked. */
function refusingFactory(): IDBFactory & { opened: string[] } {
  const opened: string[] = [];
  const factory = {
    opened,
    open(name: string) {
      opened.push(name);
      const request = { result: undefined, error: new DOMException('The user denied permission to access the database.', 'UnknownError') } as unknown as IDBOpenDBRequest;
      setTimeout(() => request.onerror?.(new Event('error')));
      return request;
    },
  };
  return factory as unknown as IDBFactory & { opened: string[] };
}

describe('storage backend', () => {
  it('uses the browser IndexedDB when it opens', async () => {
    const factory = new IDBFactory();
    const backend = await chooseStorageBackend({ factory, keyRange: IDBKeyRange });
    expect(backend.inMemory).toBe(false);
    expect(backend.factory).toBe(factory);

    const store = createKeyValueStore('things', 'things', async () => backend);
    await set('a', { n: 1 }, store);
    expect(await get('a', store)).toEqual({ n: 1 });
    // The data is in the given factory's database, not somewhere else.
    const names = (await factory.databases()).map((database) => database.name);
    expect(names).toContain('things');
  });

  it('falls back to memory when opening is refused, and data round-trips there', async () => {
    const refusing = refusingFactory();
    const backend = await chooseStorageBackend({ factory: refusing, keyRange: IDBKeyRange });
    expect(backend.inMemory).toBe(true);
    expect(backend.factory).not.toBe(refusing);

    const store = createKeyValueStore('fallback-things', 'things', async () => backend);
    await set(['file', 0], new Uint8Array([1, 2, 3]), store);
    await set(['file', 1], new Uint8Array([4]), store);
    await set('other', 'kept', store);
    expect(await get(['file', 1], store)).toEqual(new Uint8Array([4]));
    // Ranges come from the same implementation as the store.
    await store('readwrite', (objects) => {
      objects.delete(backend.keyRange.bound(['file', 0], ['file', Infinity]));
      return new Promise((resolve) => (objects.transaction.oncomplete = resolve));
    });
    expect(await keys(store)).toEqual(['other']);
    await del('other', store);
    expect(await keys(store)).toEqual([]);
    // Probed once; the stores never try the refusing browser again.
    expect(refusing.opened).toHaveLength(1);
  });

  it('falls back to memory when the browser has no IndexedDB or throws on open', async () => {
    expect((await chooseStorageBackend(undefined)).inMemory).toBe(true);
    const throwing = { open: () => { throw new DOMException('A mutation operation was attempted.', 'InvalidStateError'); } };
    expect((await chooseStorageBackend({ factory: throwing as unknown as IDBFactory, keyRange: IDBKeyRange })).inMemory).toBe(true);
  });

  it('opens the database again after the browser closed it, and after a failed open', async () => {
    const factory = new IDBFactory();
    const backend: StorageBackend = { factory, keyRange: IDBKeyRange, inMemory: false };
    let attempts = 0;
    const store = createKeyValueStore('reopened', 'things', async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('not yet');
      return backend;
    });
    await expect(get('a', store)).rejects.toThrow('not yet');
    await set('a', 1, store);

    let database: IDBDatabase | undefined;
    await store('readonly', async (objects) => {
      database = objects.transaction.db;
    });
    // The browser fires close only when it closed the connection itself (storage cleared, say); so does this.
    database!.close();
    database!.onclose?.(new Event('close'));
    expect(await get('a', store)).toBe(1);
    expect(attempts).toBe(3);
  });
});
