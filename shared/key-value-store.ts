import { promisifyRequest, type UseStore } from 'idb-keyval';

/**
 * Where this realm (the page, or a worker) keeps its data. The browser's IndexedDB when it lets us open it; otherwise
 * an IndexedDB in memory that lives as long as the realm does. Browsers refuse IndexedDB in some private windows and
 * in frames of another site when third-party storage is blocked ("The user denied permission to access the
 * database."): the app then still works, only forgets when the tab closes, and says so.
 */
export interface StorageBackend {
  factory: IDBFactory;
  keyRange: typeof IDBKeyRange;
  /** True when the browser refused IndexedDB and data lives in memory until the tab closes. */
  inMemory: boolean;
}

/** The database opened once to learn whether the browser lets this origin use IndexedDB at all. */
const PROBE_DATABASE = 'airgap-storage-probe';

let memory: Promise<StorageBackend> | undefined;

function memoryBackend(): Promise<StorageBackend> {
  // Loaded only when needed: where IndexedDB works, nobody downloads the in-memory implementation.
  memory ??= import('fake-indexeddb').then(({ indexedDB, IDBKeyRange }) => ({ factory: indexedDB, keyRange: IDBKeyRange, inMemory: true }));
  return memory;
}

function opens(factory: IDBFactory): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const request = factory.open(PROBE_DATABASE);
      request.onsuccess = () => {
        request.result.close();
        resolve(true);
      };
      request.onerror = () => resolve(false);
    } catch {
      // Some browsers throw instead of failing the request (Firefox's private windows used to).
      resolve(false);
    }
  });
}

type Implementation = Omit<StorageBackend, 'inMemory'>;

/** Tries `real` (the browser's IndexedDB, when it has one) once, and falls back to memory if opening is refused. */
export async function chooseStorageBackend(real: Implementation | undefined): Promise<StorageBackend> {
  if (real && (await opens(real.factory))) return { ...real, inMemory: false };
  return memoryBackend();
}

let realmBackend: Promise<StorageBackend> | undefined;

/** This realm's backend, probed on first use; every store of the realm shares it. */
export function storageBackend(): Promise<StorageBackend> {
  const { indexedDB: factory, IDBKeyRange: keyRange } = globalThis;
  realmBackend ??= chooseStorageBackend(factory && keyRange ? { factory, keyRange } : undefined);
  return realmBackend;
}

/**
 * Opens database `dbName` on `backend` on first use (at `version`, running `upgrade` when it is newer than the stored
 * one), and again after the browser closed it, an open failed, or another tab asked to upgrade it (this tab closes its
 * connection then, so the upgrade is not blocked, and reopens at the new version when it next needs the database).
 */
export function databaseOpener(
  dbName: string,
  upgrade: (db: IDBDatabase, transaction: IDBTransaction, oldVersion: number) => void,
  version?: number,
  backend: () => Promise<StorageBackend> = storageBackend,
): () => Promise<IDBDatabase> {
  let opened: Promise<IDBDatabase> | undefined;
  return () => {
    if (opened) return opened;
    const current = backend().then(({ factory }) => {
      const request = factory.open(dbName, version);
      request.onupgradeneeded = (event) => upgrade(request.result, request.transaction!, event.oldVersion);
      return promisifyRequest(request);
    });
    opened = current;
    const forget = () => {
      if (opened === current) opened = undefined;
    };
    current.then((db) => {
      db.onclose = forget;
      db.onversionchange = () => {
        db.close();
        forget();
      };
    }, forget);
    return current;
  };
}

/** An idb-keyval store (the contract of its `createStore(dbName, storeName)`) on `backend`: one database per store. */
export function createKeyValueStore(
  dbName: string,
  storeName: string,
  backend: () => Promise<StorageBackend> = storageBackend,
): UseStore {
  const database = databaseOpener(dbName, (db) => db.createObjectStore(storeName), undefined, backend);
  return (txMode, callback) => database().then((db) => callback(db.transaction(storeName, txMode).objectStore(storeName)));
}
