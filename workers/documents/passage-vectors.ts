import { promisifyRequest, type UseStore } from 'idb-keyval';
import { createKeyValueStore } from '../../shared/key-value-store';
import { fingerprint } from '../../shared/fingerprint';

/** A passage's vector, the text it is of (a key is a hash), and the fingerprints of the files it was found in. */
interface StoredVector {
  text: string;
  vector: Float32Array;
  documents: string[];
}

export interface PassageVector {
  text: string;
  vector: number[];
  /** The fingerprints of the files the passage is in. */
  documents: string[];
}

/**
 * The vectors of attached files' passages, kept in IndexedDB per embedding model so a reload or another question does
 * not embed them again. A file's passages may be shared by every chat it is attached to, so vectors are not deleted
 * with a chat directly: the page names the files its chats still hold (`keepOnly`), and the rest go.
 */
export class PassageVectors {
  constructor(private readonly store: UseStore = createKeyValueStore('airgap-chat-passage-vectors', 'vectors')) {}

  /** The stored vectors of `texts` under `model`, by text. */
  recall(model: string, texts: readonly string[]): Promise<Map<string, number[]>> {
    return this.store('readonly', async (vectors) => {
      const found = await Promise.all(texts.map((text) => promisifyRequest(vectors.get(keyOf(model, text)) as IDBRequest<StoredVector | undefined>)));
      const recalled = new Map<string, number[]>();
      found.forEach((stored, index) => {
        if (stored?.text === texts[index]) recalled.set(texts[index], Array.from(stored.vector));
      });
      return recalled;
    });
  }

  /** Stores passages' vectors under `model`, each filed under its file too. */
  async keep(model: string, passages: readonly PassageVector[]): Promise<void> {
    if (passages.length === 0) return;
    return this.store('readwrite', (vectors) => {
      for (const { text, vector, documents } of passages) {
        const key = keyOf(model, text);
        const read = vectors.get(key) as IDBRequest<StoredVector | undefined>;
        read.onsuccess = () => {
          const known = read.result?.text === text ? read.result.documents : [];
          const all = [...new Set([...known, ...documents])];
          vectors.put({ text, vector: Float32Array.from(vector), documents: all } satisfies StoredVector, key);
        };
      }
      return promisifyRequest(vectors.transaction);
    });
  }

  /** Forgets every file but `documents` (fingerprints): a passage of none of them goes. Says how many went. */
  keepOnly(documents: ReadonlySet<string>): Promise<number> {
    return this.store('readwrite', (vectors) => {
      let removed = 0;
      const cursor = vectors.openCursor();
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) return;
        const stored = at.value as StoredVector;
        const still = stored.documents.filter((document) => documents.has(document));
        if (still.length === 0) {
          at.delete();
          removed++;
        } else if (still.length < stored.documents.length) {
          at.update({ ...stored, documents: still });
        }
        at.continue();
      };
      return promisifyRequest(vectors.transaction).then(() => removed);
    });
  }
}

function keyOf(model: string, text: string): string {
  return `${model} ${fingerprint(text)}`;
}
