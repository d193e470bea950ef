import { EngineError } from '../../shared/protocol';
import { backoffMs, isTransientStatus, RETRY_LIMIT, sleep, TransientError } from './backoff';
import { ChunkWriter } from './chunk-writer';
import { copyStoredFile, findIdenticalFile } from './identical-file';
import { contentCheckFor, type ContentCheck } from './content-check';
import { fileKey, type FileRecord, type ListedFile, type ModelStore } from './model-store';
import { asStorageError, isQuotaError } from './storage-errors';

export interface DownloadTarget extends ListedFile {
  repo: string;
  /** Every file of a model comes from this one commit. */
  commit: string;
  url: string;
}

export interface FileDownloadOptions {
  store: ModelStore;
  chunkBytes: number;
  signal: AbortSignal;
  fetch: typeof fetch;
  /** `loaded`: bytes of the file stored or on their way into the store; `received`: new bytes off the network. */
  onProgress: (loaded: number, received: number) => void;
  /** A note while waiting to try again ("Connection lost; …"), null once bytes flow again. */
  onNote: (note: string | null) => void;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How long the hub may send nothing (no headers, no bytes) before the attempt is dropped and tried again. */
  stallMs?: number;
}

/** A connection can go silent without closing (Wi-Fi dropped, a proxy hung): after this long it is given up. */
export const DEFAULT_STALL_MS = 30_000;

/** A server that keeps sending something other than the listed file gets this many fresh starts per download. */
const RESTART_LIMIT = 3;

/** `bytes 100-199/1000` → its parts; null when absent or malformed. */
function parseContentRange(header: string | null): { start: number; end: number; total: number } | null {
  const match = header?.match(/^bytes (\d+)-(\d+)\/(\d+)$/);
  return match ? { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) } : null;
}

function freshRecord(target: DownloadTarget): FileRecord {
  return {
    key: fileKey(target.repo, target.commit, target.path),
    repo: target.repo,
    commit: target.commit,
    path: target.path,
    size: target.size,
    sha256: target.sha256,
    gitOid: target.gitOid,
    etag: null,
    chunks: 0,
    bytes: 0,
    complete: false,
    updatedAt: 0,
  };
}

function describes(record: FileRecord, target: DownloadTarget): boolean {
  return record.size === target.size && record.sha256 === target.sha256 && record.gitOid === target.gitOid;
}

/**
 * Downloads one file into the store, continuing from what an earlier run stored, with `Range` requests after a
 * dropped connection and automatic retries with backoff on transient errors. The content is hashed as it is stored and
 * the file is marked complete only when the hash matches the hub's listing; on a mismatch it is discarded.
 */
export async function downloadFile(target: DownloadTarget, options: FileDownloadOptions): Promise<void> {
  const { store } = options;
  const key = fileKey(target.repo, target.commit, target.path);
  const existing = await store.getFile(key);
  if (existing?.complete && describes(existing, target)) return;
  if (existing && !describes(existing, target)) await store.deleteFile(key);
  if (!existing?.bytes) {
    const identical = await findIdenticalFile(store, target);
    if (identical) {
      await copyStoredFile(store, identical, freshRecord(target), (loaded) => options.onProgress(loaded, 0));
      return;
    }
  }
  const record = existing && describes(existing, target) ? existing : freshRecord(target);
  const download = new FileDownload(target, options, record, await contentCheckFor(target));
  try {
    await download.resumeCheck();
    await download.run();
  } finally {
    download.close();
  }
}

class FileDownload {
  private restarts = 0;
  private readonly writer: ChunkWriter;

  constructor(
    private readonly target: DownloadTarget,
    private readonly options: FileDownloadOptions,
    record: FileRecord,
    private check: ContentCheck,
  ) {
    this.writer = new ChunkWriter(options.store, record, options.chunkBytes, (chunk) => this.check.update(chunk));
  }

  /** A hash's state is not kept across runs, so what an earlier run stored is hashed again (read back once). */
  async resumeCheck(): Promise<void> {
    const { chunks, key } = this.writer.stored;
    try {
      for (let index = 0; index < chunks; index++) await this.check.update(await this.options.store.getChunk(key, index));
    } catch {
      await this.restart();
    }
  }

  close(): void {
    this.check.close();
  }

  async run(): Promise<void> {
    const { signal, onProgress, onNote } = this.options;
    const wait = this.options.wait ?? sleep;
    let failures = 0;
    onProgress(this.writer.accepted, 0);
    try {
      while (this.writer.accepted < this.target.size) {
        const before = this.writer.accepted;
        try {
          await this.attempt();
          onNote(null);
        } catch (error) {
          if (signal.aborted) throw new EngineError('cancelled', 'Cancelled.');
          if (!(error instanceof TransientError)) throw error;
          failures = this.writer.accepted > before ? 1 : failures + 1;
          if (failures > RETRY_LIMIT) {
            throw new EngineError(
              'network',
              `The download of ${this.target.path} keeps failing (${error.message}). What arrived is kept: ` +
                'check your connection and press Load model to continue where it stopped.',
              { cause: error },
            );
          }
          const delay = backoffMs(failures);
          onNote(`${error.message}; trying again in ${Math.max(1, Math.round(delay / 1000))} s.`);
          await wait(delay, signal);
        }
      }
      await this.finish();
    } catch (error) {
      // Keep every byte that arrived (a pause, a cancel, a lost connection), unless the disk itself is the problem.
      if (!isQuotaError(error) && !(error instanceof EngineError && error.code === 'integrity')) {
        await this.writer.flush().catch(() => {});
      }
      throw asStorageError(error);
    }
  }

  /** One request from where the file stands; returns when the body ended, throws TransientError when it broke. */
  private async attempt(): Promise<void> {
    const connection = new Connection(this.options.signal, this.options.stallMs ?? DEFAULT_STALL_MS);
    try {
      await this.request(connection);
    } finally {
      connection.close();
    }
  }

  private async request(connection: Connection): Promise<void> {
    const offset = this.writer.accepted;
    let response: Response;
    try {
      response = await connection.watch(
        this.options.fetch(this.target.url, {
          signal: connection.signal,
          cache: 'no-store',
          headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        }),
      );
    } catch (error) {
      throw connection.failure(error, 'Could not reach the hub');
    }
    if (isTransientStatus(response.status)) {
      await response.body?.cancel();
      throw new TransientError(`The hub answered ${response.status}`);
    }
    if (response.status === 416) {
      // Asked from past the end: the file is not what was stored. Start over.
      return this.restart('the hub no longer has the bytes that were stored');
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EngineError(
        response.status === 404 || response.status === 401 || response.status === 403 ? 'file-not-found' : 'hub-error',
        `${this.target.path} could not be downloaded: the hub answered ${response.status} ${response.statusText}.`,
      );
    }
    if (offset > 0 && response.status === 200) {
      // The server ignored Range and sends the whole file: take it from byte 0.
      await this.restart('the hub ignored the request to resume');
    } else if (response.status === 206 && !this.isRangeFromOffset(response, offset)) {
      await response.body?.cancel();
      return this.restart('the hub sent a different part of the file than was asked for');
    }
    const servedCommit = response.headers.get('X-Repo-Commit');
    if (servedCommit && servedCommit !== this.target.commit && /^[0-9a-f]{40}$/.test(this.target.commit)) {
      // Asked for one commit, given another: a mirror out of step. Never mix two revisions in one file.
      await response.body?.cancel();
      return this.restart(`the hub sent it from commit ${servedCommit.slice(0, 7)} instead of ${this.target.commit.slice(0, 7)}`);
    }
    const etag = response.headers.get('X-Linked-Etag') ?? response.headers.get('ETag');
    const knownEtag = this.writer.stored.etag;
    // With a hash to check, a changed file is caught at the end anyway; an entity tag is then only trusted for files
    // checked by size alone (a CDN may vary its tags between requests, which must not restart every resume).
    if (this.check.kind === 'size' && knownEtag && etag && knownEtag !== etag && this.writer.accepted > 0) {
      await response.body?.cancel();
      return this.restart('the file changed on the hub');
    }
    if (etag) this.writer.setEtag(etag);
    await this.readBody(response, connection);
  }

  /**
   * Whether a 206 continues the file at `offset`. A CDN may not expose `Content-Range` to the page (it is not a
   * CORS-safelisted header); then the length of the part must fit. Bytes past the end and a wrong hash are caught
   * later either way.
   */
  private isRangeFromOffset(response: Response, offset: number): boolean {
    const range = parseContentRange(response.headers.get('Content-Range'));
    if (range) return range.start === offset && range.total === this.target.size;
    const length = response.headers.get('Content-Length');
    return length === null || Number(length) === this.target.size - offset;
  }

  private async readBody(response: Response, connection: Connection): Promise<void> {
    if (!response.body) throw new TransientError('The hub sent no content');
    const reader = response.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await connection.watch(reader.read());
      } catch (error) {
        throw connection.failure(error, 'The connection was lost');
      }
      if (chunk.done) break;
      const bytes = chunk.value;
      if (this.writer.accepted + bytes.length > this.target.size) {
        await reader.cancel();
        return this.restart('the hub sent more bytes than the file has');
      }
      await this.writer.append(bytes);
      this.options.onProgress(this.writer.accepted, bytes.length);
    }
    if (this.writer.accepted < this.target.size) throw new TransientError('The connection closed early');
  }

  private async finish(): Promise<void> {
    await this.writer.flush();
    const actual = await this.check.digest(() => this.options.store.wholeBlob(this.writer.stored));
    if (actual !== this.check.expected) {
      await this.writer.reset();
      this.options.onProgress(0, 0);
      throw new EngineError(
        'integrity',
        `${this.target.path} arrived corrupted: its ${this.check.kind} is ${short(actual)}, but the hub lists ` +
          `${short(this.check.expected)}. The damaged download was discarded; load the model again to download it ` +
          'anew, and if this keeps happening, something between you and the hub is altering the files.',
      );
    }
    await this.writer.complete();
  }

  private async restart(reason?: string): Promise<void> {
    if (reason !== undefined && ++this.restarts > RESTART_LIMIT) {
      throw new EngineError(
        'hub-error',
        `${this.target.path} could not be downloaded: ${reason}, again and again. Try again later.`,
      );
    }
    await this.writer.reset();
    this.check.close();
    this.check = await contentCheckFor(this.target);
    this.options.onProgress(0, 0);
  }
}

/** One request's connection: cancelled with the download, and dropped on its own when the hub goes silent. */
class Connection {
  private readonly controller = new AbortController();
  private stalled = false;
  private readonly abort = () => this.controller.abort();

  constructor(
    private readonly download: AbortSignal,
    private readonly stallMs: number,
  ) {
    if (download.aborted) this.controller.abort();
    else download.addEventListener('abort', this.abort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles as `work` does; if the hub stays silent for the stall limit meanwhile, the connection is dropped. */
  watch<T>(work: Promise<T>): Promise<T> {
    const timer = setTimeout(() => {
      this.stalled = true;
      this.controller.abort();
    }, this.stallMs);
    return work.finally(() => clearTimeout(timer));
  }

  /** What a failed fetch or read means: the download's cancellation as it is, anything else worth another try. */
  failure(error: unknown, reason: string): unknown {
    if (this.download.aborted) return error;
    const why = this.stalled ? `No data came from the hub for ${Math.round(this.stallMs / 1000)} s` : reason;
    return new TransientError(why, { cause: error });
  }

  close(): void {
    this.download.removeEventListener('abort', this.abort);
  }
}

function short(digest: string): string {
  return digest.length > 16 ? `${digest.slice(0, 12)}…` : digest;
}
