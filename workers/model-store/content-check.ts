import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import { helpersAvailable } from '../helper-worker';
import { HelperSha256 } from './helper-sha256';
import type { ListedFile } from './model-store';

/** Says whether a downloaded file's bytes are the listed ones. */
export interface ContentCheck {
  /** What is checked, for messages: "sha256", "git blob id" or "size". */
  readonly kind: string;
  readonly expected: string;
  /** The bytes of the file's next stored chunk, kept (they may move to another thread); resolves when it takes more. */
  update(bytes: Uint8Array): Promise<void>;
  /** The digest of the file; call once, at the end. `stored` gives the whole stored file, for a check that needs it. */
  digest(stored: () => Promise<Blob>): Promise<string>;
  /** Frees what the check holds; call when the download ends, however it ends. */
  close(): void;
}

/**
 * LFS files are checked against the sha256 the hub lists for them, hashed in a helper worker beside the download
 * (helper-sha256.ts) where there is one; files kept in git against their git blob id (sha1 over `blob <size>\0` and the
 * content), which the tree API lists as `oid`; a file with neither only by its size.
 */
export async function contentCheckFor(file: ListedFile): Promise<ContentCheck> {
  if (file.sha256 && helpersAvailable()) {
    const hash = new HelperSha256();
    return {
      kind: 'sha256',
      expected: file.sha256,
      update: (bytes) => hash.update(bytes),
      digest: (stored) => hash.digest(stored),
      close: () => hash.close(),
    };
  }
  if (file.sha256) return hashCheck('sha256', file.sha256, await createSHA256());
  if (file.gitOid) {
    const hash = await createSHA1();
    hash.update(`blob ${file.size}\0`);
    return hashCheck('git blob id', file.gitOid, hash);
  }
  let length = 0;
  return {
    kind: 'size',
    expected: String(file.size),
    update: async (bytes) => void (length += bytes.length),
    digest: async () => String(length),
    close: () => {},
  };
}

/** A check hashed in this thread (hash-wasm, WebAssembly: several times faster than hashing in JavaScript). */
function hashCheck(kind: string, expected: string, hash: IHasher): ContentCheck {
  return {
    kind,
    expected,
    update: async (bytes) => void hash.update(bytes),
    digest: async () => hash.digest('hex'),
    close: () => {},
  };
}
