import { createSHA256 } from 'hash-wasm';
import { HelperWorker } from '../helper-worker';

export type Sha256Request = { type: 'update'; bytes: Uint8Array } | { type: 'digest' };
export type Sha256Answer = { type: 'hashed' } | { type: 'digest'; digest: string } | { type: 'error'; message: string };

/** Chunks handed to the helper and not yet hashed: enough to keep it busy, few enough to hold little memory. */
const CHUNKS_IN_FLIGHT = 2;
/** A helper that answers nothing for this long while it has work (a chunk takes well under a second) is given up. */
const SILENCE_MS = 30_000;

/**
 * The sha256 of a file's chunks, taken in a helper worker as the chunks are stored: the download's thread only hands
 * each chunk's bytes over (transferred, not copied), and the digest is ready moments after the last byte. hash-wasm
 * (WebAssembly) hashes as it goes, about 440 MB/s on one core here; WebCrypto's sha256 is faster but wants the whole
 * file in one buffer, and reading it back whole cost more than that won. 500 MB over loopback into the store, on 2
 * cores: 2.7 s hashed in the download's thread, 2.8–3.0 s with WebCrypto over the file read back, 1.9–2.0 s here.
 * `update` waits while the helper is `CHUNKS_IN_FLIGHT` chunks behind, slowing a fast download to the hash's pace
 * rather than queueing the file in memory.
 *
 * If the helper cannot start, fails or falls silent, the digest is taken here instead, from the stored file read back.
 */
export class HelperSha256 {
  private readonly worker = new HelperWorker<Sha256Answer>('sha256');
  private inFlight = 0;
  private digestAsked = false;
  private result: string | null = null;
  private failed = false;
  /** Whoever waits for the helper's next word: an `update` for room, or `digest` for the result. */
  private waiter: (() => void) | null = null;
  private silence: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.worker.onmessage = (answer) => {
      if (answer.type === 'error') return this.fail();
      if (answer.type === 'hashed') this.inFlight--;
      else this.result = answer.digest;
      this.heard();
      this.wake();
    };
    this.worker.onfailed = () => this.fail();
  }

  /** Takes the next chunk's bytes, which are moved to the helper (unusable here afterwards). */
  async update(bytes: Uint8Array): Promise<void> {
    while (!this.failed && this.inFlight >= CHUNKS_IN_FLIGHT) await this.answer();
    if (this.failed) return;
    this.inFlight++;
    this.heard();
    this.worker.postMessage({ type: 'update', bytes } satisfies Sha256Request, [bytes.buffer]);
  }

  /** The file's sha256; `stored` gives the whole stored file, hashed here if the helper could not do it. */
  async digest(stored: () => Promise<Blob>): Promise<string> {
    if (!this.failed) {
      this.digestAsked = true;
      this.worker.postMessage({ type: 'digest' } satisfies Sha256Request);
      this.heard();
      while (!this.failed && this.result === null) await this.answer();
      if (this.result !== null) return this.result;
    }
    return sha256Here(await stored());
  }

  /** Ends the helper; call once the digest is taken or the download given up. */
  close(): void {
    clearTimeout(this.silence);
    this.worker.terminate();
  }

  private answer(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** (Re)starts the wait for the helper's next word, while it has work; between chunks the network sets the pace. */
  private heard(): void {
    clearTimeout(this.silence);
    if (this.inFlight > 0 || this.digestAsked) this.silence = setTimeout(() => this.fail(), SILENCE_MS);
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.close();
    this.wake();
  }
}

/** Hashes a whole stored file here, piece by piece as it is read (the thread is free between pieces). */
async function sha256Here(file: Blob): Promise<string> {
  const hash = await createSHA256();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash.digest('hex');
    hash.update(value);
  }
}
