import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';

export type HashAlgorithm = 'sha256' | 'sha1';

export interface HashSpec {
  algorithm: HashAlgorithm;
  /** Hashed before the content: git's blob ids cover `blob <size>\0` and then the file. */
  prefix: string;
}

/** A streaming hash in WebAssembly (hash-wasm): several times faster than hashing in JavaScript. */
export async function startHash({ algorithm, prefix }: HashSpec): Promise<IHasher> {
  const hash = algorithm === 'sha256' ? await createSHA256() : await createSHA1();
  if (prefix) hash.update(prefix);
  return hash;
}
