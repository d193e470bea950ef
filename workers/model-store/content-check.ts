import { createSHA1, createSHA256 } from 'hash-wasm';
import type { ListedFile } from './model-store';

/** Hashes a file as its bytes arrive (WebCrypto has no streaming digest) and says whether they are the listed ones. */
export interface ContentCheck {
  /** What is checked, for messages: "sha256", "git blob id" or "size". */
  readonly kind: string;
  readonly expected: string;
  update(bytes: Uint8Array): void;
  /** The digest of everything fed so far; call once, at the end. */
  digest(): string;
}

/**
 * LFS files are checked against the sha256 the hub lists for them; files kept in git against their git blob id (sha1
 * over `blob <size>\0` and the content), which the tree API lists as `oid`; a file with neither only by its size.
 * The hashes are WebAssembly (hash-wasm): several times faster than hashing in JavaScript, which would otherwise
 * limit the download speed.
 */
export async function contentCheckFor(file: ListedFile): Promise<ContentCheck> {
  if (file.sha256) {
    const hash = await createSHA256();
    return { kind: 'sha256', expected: file.sha256, update: (bytes) => void hash.update(bytes), digest: () => hash.digest('hex') };
  }
  if (file.gitOid) {
    const hash = await createSHA1();
    hash.update(`blob ${file.size}\0`);
    return { kind: 'git blob id', expected: file.gitOid, update: (bytes) => void hash.update(bytes), digest: () => hash.digest('hex') };
  }
  let length = 0;
  return {
    kind: 'size',
    expected: String(file.size),
    update: (bytes) => void (length += bytes.length),
    digest: () => String(length),
  };
}
