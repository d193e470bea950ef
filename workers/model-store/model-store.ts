import { clear, del, get, promisifyRequest, set, values, type UseStore } from 'idb-keyval';
import { createKeyValueStore, storageBackend } from '../../shared/key-value-store';
import type { Dtype, StoredModel } from '../../shared/protocol';

/** One file of a repository as the hub lists it, with what its bytes can be checked against. */
export interface ListedFile {
  path: string;
  size: number;
  /** sha256 of the content, for Git LFS files. */
  sha256: string | null;
  /** Git blob id (sha1 of `blob <size>\0` + content), for files kept in git itself. */
  gitOid: string | null;
}

/** The hub's listing of a repository at the commit a revision resolved to: what makes an offline load possible. */
export interface Manifest {
  key: string;
  hubUrl: string;
  repo: string;
  revision: string;
  commit: string;
  files: ListedFile[];
  savedAt: number;
}

/**
 * What is stored of one file. Written after its chunks ("data first, commit marker last"): `chunks` and `bytes`
 * only ever count chunks that are already in the store, and `complete` is set only once the content was verified.
 */
export interface FileRecord {
  key: string;
  repo: string;
  commit: string;
  path: string;
  size: number;
  sha256: string | null;
  gitOid: string | null;
  /** The entity tag the server gave the bytes; a different one on resume means the file changed. */
  etag: string | null;
  chunks: number;
  bytes: number;
  complete: boolean;
  updatedAt: number;
}

/** A model a person asked for (a repository at one commit in one dtype) and the files it needs. */
export interface ModelRecord extends Omit<StoredModel, 'storedBytes' | 'complete'> {
  files: string[];
}

export function fileKey(repo: string, commit: string, path: string): string {
  return `${repo}@${commit}/${path}`;
}

export function manifestKey(hubUrl: string, repo: string, revision: string): string {
  return `${hubUrl} ${repo}@${revision}`;
}

export function modelId(repo: string, commit: string, dtype: Dtype): string {
  return `${repo}@${commit}#${dtype}`;
}

type ChunkKey = [string, number];

/**
 * The model files, kept in IndexedDB (idb-keyval stores) as numbered chunks so that no single value is huge and a
 * download never holds a whole file in memory. Every method is one small transaction; callers order them so a crash
 * between two leaves nothing that claims more than is stored.
 */
export class ModelStore {
  constructor(
    private readonly chunks: UseStore,
    private readonly files: UseStore,
    private readonly manifests: UseStore,
    private readonly models: UseStore,
  ) {}

  static open(prefix = 'airgap-models'): ModelStore {
    return new ModelStore(
      createKeyValueStore(`${prefix}-chunks`, 'chunks'),
      createKeyValueStore(`${prefix}-files`, 'files'),
      createKeyValueStore(`${prefix}-manifests`, 'manifests'),
      createKeyValueStore(`${prefix}-models`, 'models'),
    );
  }

  getFile(key: string): Promise<FileRecord | undefined> {
    return get<FileRecord>(key, this.files);
  }

  allFiles(): Promise<FileRecord[]> {
    return values<FileRecord>(this.files);
  }

  putFile(record: FileRecord): Promise<void> {
    return set(record.key, { ...record, updatedAt: Date.now() }, this.files);
  }

  /**
   * Writes chunk `index` of a file; the caller records it in the file's record afterwards. Chunks are kept as Blobs:
   * the browser moves a Blob's bytes to disk off the worker's thread, where cloning a 32 MiB array into IndexedDB
   * would stall the download (the benchmark measured the difference).
   */
  putChunk(key: string, index: number, chunk: Blob): Promise<void> {
    return set([key, index] satisfies ChunkKey, chunk, this.chunks);
  }

  async getChunk(key: string, index: number): Promise<Uint8Array> {
    return new Uint8Array(await (await this.chunkBlob(key, index)).arrayBuffer());
  }

  /** A stored file as one Blob: its chunks joined, not copied; read only when the Blob is. */
  async wholeBlob(record: FileRecord): Promise<Blob> {
    const blobs: Blob[] = [];
    for (let index = 0; index < record.chunks; index++) blobs.push(await this.chunkBlob(record.key, index));
    return new Blob(blobs);
  }

  /** One stored chunk, unread. */
  async chunkBlob(key: string, index: number): Promise<Blob> {
    const blob = await get<Blob>([key, index] satisfies ChunkKey, this.chunks);
    if (!blob) throw new Error(`Chunk ${index} of ${key} is missing from the model store.`);
    return blob;
  }

  /** Removes a file: its record first (so it no longer claims anything), then every chunk, written or orphaned. */
  async deleteFile(key: string): Promise<void> {
    await del(key, this.files);
    // A range made by one IndexedDB implementation means nothing to another (the in-memory one, say).
    const { keyRange } = await storageBackend();
    await this.chunks('readwrite', (store) => {
      store.delete(keyRange.bound([key, 0], [key, Infinity]));
      return promisifyRequest(store.transaction);
    });
  }

  getManifest(key: string): Promise<Manifest | undefined> {
    return get<Manifest>(key, this.manifests);
  }

  putManifest(manifest: Manifest): Promise<void> {
    return set(manifest.key, manifest, this.manifests);
  }

  allManifests(): Promise<Manifest[]> {
    return values<Manifest>(this.manifests);
  }

  deleteManifest(key: string): Promise<void> {
    return del(key, this.manifests);
  }

  getModel(id: string): Promise<ModelRecord | undefined> {
    return get<ModelRecord>(id, this.models);
  }

  putModel(model: ModelRecord): Promise<void> {
    return set(model.id, model, this.models);
  }

  allModels(): Promise<ModelRecord[]> {
    return values<ModelRecord>(this.models);
  }

  deleteModel(id: string): Promise<void> {
    return del(id, this.models);
  }

  /** Empties every store: models first, so nothing points at files that are going away. */
  async clearAll(): Promise<void> {
    await clear(this.models);
    await clear(this.manifests);
    await clear(this.files);
    await clear(this.chunks);
  }
}
