import { createSHA1, createSHA256 } from 'hash-wasm';
import { blobSha256 } from './blob-sha256';
import type { ListedFile } from './model-store';

/** Says whether a downloaded file's bytes are the listed ones. */
export interface ContentCheck {
  /** What is checked, for messages: "sha256", "git blob id" or "size". */
  readonly kind: string;
  readonly expected: string;
  /** Whether the check hashes the bytes as they arrive (`update`); one that does not reads the stored file at the end. */
  readonly streaming: boolean;
  update(bytes: Uint8Array): void;
  /** The digest of the file; call once, at the end. `stored` gives the whole stored file, for a check that needs it. */
  digest(stored: () => Promise<Blob>): Promise<string>;
}

/**
 * Up to this size an LFS file's sha256 is taken once the file is stored, with WebCrypto over the file read back in
 * one buffer (in a worker of its own, see blob-sha256.ts), instead of hashing each piece as it arrives. WebCrypto's
 * sha256 runs on the CPU's SHA instructions, about ten times faster than hash-wasm's (which ran at 100–150 MB/s on
 * the 2-core CI machine and capped the download there); the price is one buffer of the file's size for a moment, no
 * more than loading the model takes. Larger files, which a buffer might not be allowed for, are hashed as they arrive.
 */
export const WHOLE_FILE_DIGEST_MAX_BYTES = 2 * 1024 ** 3;

/**
 * LFS files are checked against the sha256 the hub lists for them; files kept in git against their git blob id (sha1
 * over `blob <size>\0` and the content), which the tree API lists as `oid`; a file with neither only by its size.
 * Streaming hashes are WebAssembly (hash-wasm): several times faster than hashing in JavaScript.
 */
export async function contentCheckFor(file: ListedFile): Promise<ContentCheck> {
  if (file.sha256 && file.size <= WHOLE_FILE_DIGEST_MAX_BYTES && globalThis.crypto?.subtle) {
    return {
      kind: 'sha256',
      expected: file.sha256,
      streaming: false,
      update: () => {},
      digest: async (stored) => blobSha256(await stored()),
    };
  }
  if (file.sha256) return streamingCheck('sha256', file.sha256, await createSHA256());
  if (file.gitOid) {
    const hash = await createSHA1();
    hash.update(`blob ${file.size}\0`);
    return streamingCheck('git blob id', file.gitOid, hash);
  }
  let length = 0;
  return {
    kind: 'size',
    expected: String(file.size),
    streaming: true,
    update: (bytes) => void (length += bytes.length),
    digest: async () => String(length),
  };
}

function streamingCheck(kind: string, expected: string, hash: { update(bytes: Uint8Array): unknown; digest(format: 'hex'): string }): ContentCheck {
  return { kind, expected, streaming: true, update: (bytes) => void hash.update(bytes), digest: async () => hash.digest('hex') };
}
