import { listRepoFiles, resolvePrefix, resolveUrl } from './hub';
import { ensureDownloaded, type DownloadDeps } from './model-store/download-manager';
import type { DownloadTarget } from './model-store/file-download';
import { fileKey, manifestKey, modelId, type ListedFile, type Manifest, type ModelStore } from './model-store/model-store';
import type { StoreCache } from './model-store/store-cache';
import type { DtypeOffer, LoadProgress, RepoRef } from '../shared/protocol';

/** Files besides the weights that loading a chat model reads, when the repository has them. */
const SHARED_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'chat_template.jinja',
  'chat_template.json',
];

/** 32 MiB: small enough that a value is never huge and little is lost when a tab closes, big enough to write fast. */
const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
const MIN_CHUNK_BYTES = 16 * 1024;

export interface FetchModelOptions {
  chunkBytes?: number;
  /** Unset: the download manager's default. */
  stallSeconds?: number | undefined;
  signal: AbortSignal;
  onProgress: (progress: LoadProgress) => void;
}

/**
 * Where model files come from: the model store, filled by the download manager from the hub. Knows which files a
 * dtype needs, keeps the hub's listing so a stored model loads without asking the hub anything, and offers the
 * stored files to transformers.js.
 */
export class ModelSource {
  constructor(
    private readonly store: ModelStore,
    private readonly cache: StoreCache,
    private readonly deps: DownloadDeps,
  ) {}

  /**
   * The listing pinned to one commit. A stored one is used as is (unless `refresh` asks for the hub's current one),
   * so a stored model needs no network at all; the first load asks the hub, and `fetchModel` keeps its answer.
   */
  async manifest(ref: RepoRef, signal: AbortSignal, refresh = false): Promise<Manifest> {
    const stored = refresh ? undefined : await this.storedManifest(ref);
    if (stored) return stored;
    const listing = await listRepoFiles(ref, signal);
    return {
      key: manifestKey(ref.hubUrl, ref.repo, ref.revision),
      hubUrl: ref.hubUrl,
      repo: ref.repo,
      revision: ref.revision,
      // A hub that names no commit still gets one name for the whole model: the revision asked for.
      commit: listing.commit ?? ref.revision,
      files: listing.files,
      savedAt: Date.now(),
    };
  }

  storedManifest(ref: RepoRef): Promise<Manifest | undefined> {
    return this.store.getManifest(manifestKey(ref.hubUrl, ref.repo, ref.revision));
  }

  /** The shared files the repository has, then the dtype's weights (graph and external data). */
  filesFor(manifest: Manifest, offer: DtypeOffer): ListedFile[] {
    return this.listed(manifest, [...SHARED_FILES, ...offer.files]);
  }

  /**
   * Makes sure the small files every dtype shares (config, tokenizer, chat template) are stored and offers them to
   * transformers.js, so the model can be checked before any weights are downloaded.
   */
  async fetchShared(manifest: Manifest, options: FetchModelOptions): Promise<void> {
    await this.download(manifest, this.listed(manifest, SHARED_FILES), `${manifest.repo} (configuration)`, options);
  }

  /** Deletes the shared files again when no stored model of this commit uses them: the model turned out unusable. */
  async discardShared(manifest: Manifest): Promise<void> {
    const models = await this.store.allModels();
    if (models.some((model) => model.repo === manifest.repo && model.commit === manifest.commit)) return;
    for (const file of this.listed(manifest, SHARED_FILES)) await this.store.deleteFile(fileKey(manifest.repo, manifest.commit, file.path));
  }

  /** Makes sure the dtype's files are stored (downloading what is missing) and offers them to transformers.js. */
  async fetchModel(manifest: Manifest, offer: DtypeOffer, options: FetchModelOptions): Promise<void> {
    const files = this.filesFor(manifest, offer);
    const id = modelId(manifest.repo, manifest.commit, offer.dtype);
    const recordModel = async () => {
      const known = await this.store.getModel(id);
      await this.store.putManifest(manifest);
      await this.store.putModel({
        id,
        hubUrl: manifest.hubUrl,
        repo: manifest.repo,
        revision: manifest.revision,
        commit: manifest.commit,
        dtype: offer.dtype,
        files: files.map((file) => file.path),
        bytes: files.reduce((sum, file) => sum + file.size, 0),
        lastUsed: known?.lastUsed ?? Date.now(),
      });
    };
    // Recorded before its first byte, so a partial download shows under Stored models; a refused one does not.
    await this.download(manifest, files, `${manifest.repo} (${offer.dtype})`, options, recordModel);
    await recordModel();
  }

  /** Whether every file the dtype needs (the shared ones included) is stored whole. */
  async isStored(manifest: Manifest, offer: DtypeOffer): Promise<boolean> {
    for (const file of this.filesFor(manifest, offer)) {
      const record = await this.store.getFile(fileKey(manifest.repo, manifest.commit, file.path));
      if (!record?.complete) return false;
    }
    return true;
  }

  private listed(manifest: Manifest, paths: string[]): ListedFile[] {
    const byPath = new Map(manifest.files.map((file) => [file.path, file]));
    return paths.flatMap((path) => byPath.get(path) ?? []);
  }

  private async download(
    manifest: Manifest,
    files: ListedFile[],
    label: string,
    options: FetchModelOptions,
    beforeDownload?: () => Promise<void>,
  ): Promise<void> {
    const pinned: RepoRef = { hubUrl: manifest.hubUrl, repo: manifest.repo, revision: manifest.commit };
    const targets: DownloadTarget[] = files.map((file) => ({
      ...file,
      repo: manifest.repo,
      commit: manifest.commit,
      url: resolveUrl(pinned, file.path),
    }));
    await ensureDownloaded(
      {
        label,
        targets,
        chunkBytes: chunkSize(options.chunkBytes),
        ...(options.stallSeconds ? { stallMs: options.stallSeconds * 1000 } : {}),
        signal: options.signal,
        onProgress: options.onProgress,
        beforeDownload,
      },
      this.deps,
    );
    this.cache.offer({
      resolvePrefix: resolvePrefix(pinned),
      files: targets.map((target) => ({ path: target.path, key: fileKey(target.repo, target.commit, target.path), size: target.size })),
    });
  }

  async markUsed(manifest: Manifest, offer: DtypeOffer): Promise<void> {
    const id = modelId(manifest.repo, manifest.commit, offer.dtype);
    const model = await this.store.getModel(id);
    if (model) await this.store.putModel({ ...model, lastUsed: Date.now() });
  }

  /** A small stored JSON file of the model, or null when it is not stored or not JSON. */
  async readJson(manifest: Manifest, path: string): Promise<unknown> {
    const text = await this.readText(manifest, path);
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  /** A small stored text file of the model, or null when it is not stored. */
  async readText(manifest: Manifest, path: string): Promise<string | null> {
    const response = await this.cache.match(resolveUrl({ ...manifest, revision: manifest.commit }, path));
    return response ? response.text() : null;
  }
}

function chunkSize(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_CHUNK_BYTES;
  return Math.max(MIN_CHUNK_BYTES, Math.floor(requested));
}
