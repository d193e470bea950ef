import type { HashPort, HashResponse } from './hash-service';
import { startHash, type HashSpec } from './hashing';
import type { ListedFile } from './model-store';

/** Hashes a file as its bytes arrive (WebCrypto has no streaming digest) and says whether they are the listed ones. */
export interface ContentCheck {
  /** What is checked, for messages: "sha256", "git blob id" or "size". */
  readonly kind: string;
  readonly expected: string;
  /**
   * Hashes bytes the caller is done with: they may be moved to another thread, so the caller must not read them
   * again. Resolves once there is room for more.
   */
  update(bytes: Uint8Array): Promise<void>;
  /** The digest of everything fed so far; call once, at the end. */
  digest(): Promise<string>;
  /** Lets go of the hashing thread, if any; for a check given up before its digest (and harmless after it). */
  dispose(): void;
}

/** A hashing thread the check can talk to and end (a Worker, or a MessagePort in tests). */
export type HashThread = HashPort & { terminate(): void; onerror?: ((event: ErrorEvent) => void) | null };

/** Bytes sent to the hashing thread and not yet hashed; past this, the download waits, so memory stays bounded. */
const MAX_BYTES_IN_FLIGHT = 32 * 1024 * 1024;

function spawnHashWorker(): HashThread | null {
  if (typeof Worker === 'undefined') return null;
  return new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' });
}

export interface HashingOptions {
  /**
   * Files larger than this are hashed on a thread of their own: in line, hashing (about 100 MB/s on a slow core)
   * halves the speed of a fast download (measured with `npm run bench:download`); beside it, the two overlap. The
   * download passes its chunk size: weights span many chunks, while a config or tokenizer file of one chunk is not
   * worth a thread.
   */
  threadAbove: number;
  spawn?: () => HashThread | null;
}

/**
 * LFS files are checked against the sha256 the hub lists for them; files kept in git against their git blob id (sha1
 * over `blob <size>\0` and the content), which the tree API lists as `oid`; a file with neither only by its size.
 */
export async function contentCheckFor(file: ListedFile, { threadAbove, spawn = spawnHashWorker }: HashingOptions): Promise<ContentCheck> {
  const spec: HashSpec | null = file.sha256
    ? { algorithm: 'sha256', prefix: '' }
    : file.gitOid
      ? { algorithm: 'sha1', prefix: `blob ${file.size}\0` }
      : null;
  if (!spec) return sizeCheck(file.size);
  const kind = file.sha256 ? 'sha256' : 'git blob id';
  const expected = (file.sha256 ?? file.gitOid)!;
  const thread = file.size > threadAbove ? spawn() : null;
  return thread ? new ThreadedCheck(kind, expected, spec, thread) : inlineCheck(kind, expected, spec);
}

function sizeCheck(size: number): ContentCheck {
  let length = 0;
  return {
    kind: 'size',
    expected: String(size),
    update: async (bytes) => void (length += bytes.length),
    digest: async () => String(length),
    dispose: () => {},
  };
}

async function inlineCheck(kind: string, expected: string, spec: HashSpec): Promise<ContentCheck> {
  const hash = await startHash(spec);
  return {
    kind,
    expected,
    update: async (bytes) => void hash.update(bytes),
    digest: async () => hash.digest('hex'),
    dispose: () => {},
  };
}

class ThreadedCheck implements ContentCheck {
  private inFlight = 0;
  private failure: Error | null = null;
  /** Woken when bytes have been hashed or the thread failed. */
  private wake: (() => void) | null = null;
  private onDigest: ((hex: string) => void) | null = null;
  private onFailure: ((error: Error) => void) | null = null;

  constructor(
    readonly kind: string,
    readonly expected: string,
    spec: HashSpec,
    private readonly thread: HashThread,
  ) {
    thread.onmessage = ({ data }: MessageEvent<HashResponse>) => this.receive(data);
    thread.onerror = (event) => this.receive({ type: 'error', message: event.message || 'its worker did not start' });
    thread.postMessage({ type: 'start', spec });
  }

  async update(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    // Moving a buffer is free, but it must be the view's alone; a view into a larger buffer is copied out first.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    this.inFlight += owned.byteLength;
    this.thread.postMessage({ type: 'update', bytes: owned }, [owned.buffer as ArrayBuffer]);
    while (this.inFlight > MAX_BYTES_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const digest = new Promise<string>((resolve, reject) => {
      this.onDigest = resolve;
      this.onFailure = reject;
    });
    this.thread.postMessage({ type: 'digest' });
    return digest.finally(() => this.dispose());
  }

  dispose(): void {
    this.thread.terminate();
  }

  private receive(response: HashResponse): void {
    if (response.type === 'hashed') this.inFlight -= response.bytes;
    else if (response.type === 'digest') this.onDigest?.(response.hex);
    else {
      this.failure = new Error(`The download could not be checked: hashing failed (${response.message}).`);
      this.onFailure?.(this.failure);
    }
    this.wake?.();
    this.wake = null;
  }
}
