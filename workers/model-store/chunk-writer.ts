import type { FileRecord, ModelStore } from './model-store';

/**
 * Collects a file's bytes into chunks of `chunkBytes` and appends each to the store, data first and the file's
 * record after it. One write is in flight while the next chunk fills, so the network and the disk overlap; `append`
 * waits for the previous write before queueing another, so memory stays at two chunks here however large the file.
 * Each chunk's buffer is new: a written chunk's bytes are handed on (to be hashed, possibly on another thread).
 */
export class ChunkWriter {
  private buffer: Uint8Array;
  private filled = 0;
  private pending: Promise<void> = Promise.resolve();
  /** Bytes handed to `append`: stored, being stored or buffered. */
  accepted: number;

  constructor(
    private readonly store: ModelStore,
    private record: FileRecord,
    private readonly chunkBytes: number,
    /** Given each chunk's bytes, to keep, in order as they are stored (to hash them); the write waits for it too. */
    private readonly onChunk: (bytes: Uint8Array) => Promise<void>,
  ) {
    this.buffer = new Uint8Array(chunkBytes);
    this.accepted = record.bytes;
  }

  get stored(): FileRecord {
    return this.record;
  }

  async append(bytes: Uint8Array): Promise<void> {
    this.accepted += bytes.length;
    let rest = bytes;
    while (rest.length > 0) {
      const taken = Math.min(this.chunkBytes - this.filled, rest.length);
      this.buffer.set(rest.subarray(0, taken), this.filled);
      this.filled += taken;
      rest = rest.subarray(taken);
      if (this.filled === this.chunkBytes) {
        await this.pending;
        this.pending = this.write(this.buffer);
        this.pending.catch(() => {}); // surfaced by the next await of `pending`
        this.buffer = new Uint8Array(this.chunkBytes);
        this.filled = 0;
      }
    }
  }

  /** Stores what is buffered as a (shorter) chunk and waits for every write: nothing received is lost on a stop. */
  async flush(): Promise<void> {
    await this.pending;
    if (this.filled === 0) return;
    const rest = this.buffer.slice(0, this.filled);
    this.filled = 0;
    this.pending = this.write(rest);
    await this.pending;
  }

  /** Records the server's entity tag with the next write. */
  setEtag(etag: string | null): void {
    this.record = { ...this.record, etag };
  }

  /** Marks the file verified and complete: the last write for it. */
  async complete(): Promise<void> {
    await this.flush();
    this.record = { ...this.record, complete: true };
    await this.store.putFile(this.record);
  }

  /** Drops everything stored and buffered for the file, to start it over from byte 0. */
  async reset(): Promise<void> {
    await this.pending.catch(() => {});
    this.filled = 0;
    this.accepted = 0;
    await this.store.deleteFile(this.record.key);
    this.record = { ...this.record, etag: null, chunks: 0, bytes: 0, complete: false };
  }

  private async write(bytes: Uint8Array): Promise<void> {
    const index = this.record.chunks;
    const length = bytes.length;
    // The Blob copies the bytes as it is made, so `onChunk` may take them.
    const chunk = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await Promise.all([this.store.putChunk(this.record.key, index, chunk), this.onChunk(bytes)]);
    this.record = { ...this.record, chunks: index + 1, bytes: this.record.bytes + length };
    await this.store.putFile(this.record);
  }
}
