import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createKeyValueStore } from '../../shared/key-value-store';
import { fingerprint } from '../../shared/fingerprint';
import { PassageVectors } from './passage-vectors';

function vectorsInMemory(): PassageVectors {
  const backend = { factory: new IDBFactory(), keyRange: IDBKeyRange, inMemory: true };
  return new PassageVectors(createKeyValueStore('vectors', 'vectors', async () => backend));
}

describe('passage vectors', () => {
  it('recalls what was kept, per model, and nothing else', async () => {
    const vectors = vectorsInMemory();
    await vectors.keep('embedder@1 q8', [
      { text: 'A car waits in a barn.', vector: [0.6, 0.8], documents: ['book'] },
      { text: 'The road goes on.', vector: [1, 0], documents: ['book'] },
    ]);
    const recalled = await vectors.recall('embedder@1 q8', ['The road goes on.', 'Never embedded.', 'A car waits in a barn.']);
    expect([...recalled]).toEqual([
      ['The road goes on.', [1, 0]],
      ['A car waits in a barn.', [expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]],
    ]);
    expect((await vectors.recall('embedder@2 q8', ['The road goes on.'])).size, 'another revision embeds again').toBe(0);
  });

  it('keeps a passage while any file it is in is kept, and forgets it with the last one', async () => {
    const vectors = vectorsInMemory();
    await vectors.keep('m', [{ text: 'shared', vector: [1], documents: ['letter'] }]);
    await vectors.keep('m', [
      { text: 'shared', vector: [1], documents: ['report'] },
      { text: 'only in the report', vector: [0], documents: ['report'] },
    ]);
    expect(await vectors.keepOnly(new Set(['letter']))).toBe(1);
    expect([...(await vectors.recall('m', ['shared', 'only in the report'])).keys()]).toEqual(['shared']);
    expect(await vectors.keepOnly(new Set())).toBe(1);
    expect((await vectors.recall('m', ['shared'])).size).toBe(0);
  });

  it('names texts by fingerprints that differ for different texts and agree for the same', () => {
    expect(fingerprint('a'.repeat(100_000))).toBe(fingerprint('a'.repeat(100_000)));
    const names = new Set(Array.from({ length: 10_000 }, (_, index) => fingerprint(`page ${index}`)));
    expect(names.size).toBe(10_000);
  });
});
