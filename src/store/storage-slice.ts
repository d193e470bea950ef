import { storageBackend } from '../../shared/key-value-store';
import type { StorageReport, StoredModel } from '../../shared/protocol';
import { isStoragePersistent } from '../storage-persistence';
import type { SliceCreator } from './types';

/** What asking the hub about a stored model found. */
export type RevisionCheck =
  | { status: 'checking' }
  | { status: 'current' }
  | { status: 'newer'; commit: string }
  | { status: 'failed'; message: string };

export interface StorageSlice {
  /** The stored models and the site's usage, as the worker last reported them; null before the first report. */
  storage: StorageReport | null;
  /** Whether the browser keeps this site's storage when space runs low; null while unknown. */
  persisted: boolean | null;
  /** True when the browser refused this page IndexedDB: chats (and, in the worker, models) live in memory. */
  storageInMemory: boolean;
  /** Learns once whether the browser lets the page keep data (the page and the worker probe the same origin). */
  checkStorageMode: () => Promise<void>;
  refreshStorage: () => Promise<void>;
  /** Deletes one stored model by id, or every stored model with null. */
  deleteStoredModels: (id: string | null) => Promise<void>;
  setPersisted: (persisted: boolean) => void;
  /** The last check for a newer revision of each stored model, by model id. */
  revisionChecks: Record<string, RevisionCheck>;
  /** Asks the hub (only now, on request) which commit the stored model's revision points to. */
  checkForNewerRevision: (model: StoredModel) => Promise<void>;
}

export const createStorageSlice: SliceCreator<StorageSlice> =
  ({ engine }) =>
  (set, get) => ({
    storage: null,
    persisted: null,
    storageInMemory: false,

    checkStorageMode: async () => {
      const { inMemory } = await storageBackend();
      if (inMemory) set({ storageInMemory: true });
    },

    refreshStorage: async () => {
      try {
        const [storage, persisted] = await Promise.all([engine.call('storedModels', {}), isStoragePersistent()]);
        set({ storage, ...(persisted === null ? {} : { persisted }) });
      } catch (error) {
        get().reportError(error);
      }
    },

    deleteStoredModels: async (id) => {
      try {
        set({ storage: await engine.call('deleteStoredModels', { id }) });
      } catch (error) {
        get().reportError(error);
        await get().refreshStorage();
      }
    },

    setPersisted: (persisted) => set({ persisted }),

    revisionChecks: {},
    checkForNewerRevision: async (model) => {
      const record = (check: RevisionCheck) => set((state) => ({ revisionChecks: { ...state.revisionChecks, [model.id]: check } }));
      record({ status: 'checking' });
      try {
        const { commit } = await engine.call('latestCommit', { hubUrl: model.hubUrl, repo: model.repo, revision: model.revision });
        record(commit && commit !== model.commit ? { status: 'newer', commit } : { status: 'current' });
      } catch (error) {
        record({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    },
  });
