import type { ListedFile, FileRecord, ModelStore } from './model-store';

/**
 * A complete stored file with the same content as `target` under another key: the same file at another commit (a
 * newer revision that did not change the weights) or in another repository (a copy of the same model). Content is
 * told by the hub's hashes: the sha256 of an LFS file, else the git blob id, and the size.
 */
export async function findIdenticalFile(store: ModelStore, target: ListedFile): Promise<FileRecord | null> {
  if (!target.sha256 && !target.gitOid) return null;
  const sameContent = (record: FileRecord) =>
    record.complete &&
    record.size === target.size &&
    (target.sha256 ? record.sha256 === target.sha256 : record.gitOid === target.gitOid);
  return (await store.allFiles()).find(sameContent) ?? null;
}

/**
 * Copies a stored file's chunks to a new record, chunk by chunk (data first, the record that counts them after
 * each), and marks it complete: the source was verified against the same hash when it was downloaded.
 */
export async function copyStoredFile(
  store: ModelStore,
  source: FileRecord,
  record: FileRecord,
  onProgress: (copied: number) => void,
): Promise<void> {
  let copied = 0;
  for (let index = 0; index < source.chunks; index++) {
    const chunk = await store.chunkBlob(source.key, index);
    await store.putChunk(record.key, index, chunk);
    copied += chunk.size;
    await store.putFile({ ...record, chunks: index + 1, bytes: copied });
    onProgress(copied);
  }
  await store.putFile({ ...record, chunks: source.chunks, bytes: source.size, etag: source.etag, complete: true });
}
