import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { HUB_ROOT } from './fixtures';

export interface StoredFile {
  path: string;
  complete: boolean;
  bytes: number;
  /** sha256 of the bytes actually in the store, chunk after chunk. */
  sha256: string;
}

/** Reads the model store the way the worker wrote it (IndexedDB in the app's origin) and hashes every file. */
export function storedFiles(page: Page): Promise<StoredFile[]> {
  return page.evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onupgradeneeded = () => request.result.createObjectStore(name.replace('airgap-models-', ''));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const all = <T,>(db: IDBDatabase, store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const chunk = (db: IDBDatabase, key: [string, number]) =>
      new Promise<Blob>((resolve, reject) => {
        const request = db.transaction('chunks').objectStore('chunks').get(key);
        request.onsuccess = () => resolve(request.result as Blob);
        request.onerror = () => reject(request.error);
      });
    const files = await open('airgap-models-files');
    const chunks = await open('airgap-models-chunks');
    const records = await all<{ key: string; path: string; complete: boolean; bytes: number; chunks: number }>(files, 'files');
    const result = [];
    for (const record of records) {
      const bytes = new Uint8Array(record.bytes);
      let offset = 0;
      for (let index = 0; index < record.chunks; index++) {
        const part = new Uint8Array(await (await chunk(chunks, [record.key, index])).arrayBuffer());
        bytes.set(part, offset);
        offset += part.length;
      }
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      const sha256 = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      result.push({ path: record.path, complete: record.complete, bytes: record.bytes, sha256 });
    }
    files.close();
    chunks.close();
    return result;
  });
}

/** sha256 and size of a fixture file as the fake hub serves it. */
export function servedFile(repo: string, path: string): { sha256: string; size: number } {
  const bytes = readFileSync(`${HUB_ROOT}/${repo}/${path}`);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
