import { storageBackend } from '../../shared/key-value-store';
import { EngineError, type StorageReport, type StoredModel } from '../../shared/protocol';
import { downloadLockName } from './download-manager';
import { fileKey, type ModelRecord, type ModelStore } from './model-store';

export interface StoredModelsDeps {
  store: ModelStore;
  locks?: LockManager;
  estimate?: () => Promise<StorageEstimate>;
}

/** Every stored model with how much of it is stored, and the site's usage against its quota. */
export async function storageReport({ store, estimate }: StoredModelsDeps): Promise<StorageReport> {
  const models: StoredModel[] = [];
  for (const model of await store.allModels()) {
    let storedBytes = 0;
    let complete = true;
    for (const path of model.files) {
      const record = await store.getFile(fileKey(model.repo, model.commit, path));
      storedBytes += record ? (record.complete ? record.size : record.bytes) : 0;
      complete &&= record?.complete === true;
    }
    const { files: _files, ...rest } = model;
    models.push({ ...rest, storedBytes, complete });
  }
  models.sort((a, b) => b.lastUsed - a.lastUsed);
  const { usage = null, quota = null } = (await estimate?.().catch(() => undefined)) ?? {};
  return { models, usage, quota, inMemory: (await storageBackend()).inMemory };
}

/**
 * Deletes one stored model, or all when `id` is null. Files another stored model of the same commit still needs
 * (the tokenizer, the config) stay. A model whose download is running, in this tab or another, is left alone: its
 * Web Lock is taken without waiting, and a held lock means "in use".
 */
export async function deleteStoredModels(id: string | null, deps: StoredModelsDeps): Promise<void> {
  const all = await deps.store.allModels();
  const doomed = id === null ? all : all.filter((model) => model.id === id);
  const busy: string[] = [];
  for (const model of doomed) {
    const deleted = await withIdleLock(model, deps.locks, () => deleteModel(model, deps.store));
    if (!deleted) busy.push(`${model.repo} (${model.dtype})`);
  }
  // With nothing in use, "all" also sweeps files no model record points at any more.
  if (id === null && busy.length === 0) await deps.store.clearAll();
  if (busy.length > 0) {
    throw new EngineError(
      'in-use',
      `${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} being downloaded right now and ${busy.length === 1 ? 'was' : 'were'} ` +
        'kept. Cancel the download (in whichever tab runs it) and delete again.',
    );
  }
}

async function withIdleLock(model: ModelRecord, locks: LockManager | undefined, task: () => Promise<void>): Promise<boolean> {
  if (!locks) {
    await task();
    return true;
  }
  return locks.request(downloadLockName(model), { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await task();
    return true;
  });
}

async function deleteModel(model: ModelRecord, store: ModelStore): Promise<void> {
  // The model record goes first: from then on nothing claims the files.
  await store.deleteModel(model.id);
  const siblings = (await store.allModels()).filter((other) => other.repo === model.repo && other.commit === model.commit);
  const stillNeeded = new Set(siblings.flatMap((other) => other.files));
  for (const path of model.files) {
    if (!stillNeeded.has(path)) await store.deleteFile(fileKey(model.repo, model.commit, path));
  }
  if (siblings.length === 0) {
    // Without a manifest the next load asks the hub again, and may get a newer commit.
    for (const manifest of await store.allManifests()) {
      if (manifest.repo === model.repo && manifest.commit === model.commit) await store.deleteManifest(manifest.key);
    }
  }
}
