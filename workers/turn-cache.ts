import { DynamicCache, type Tensor } from '@huggingface/transformers';

/** The length of the longest common prefix of two token id lists. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (length < limit && a[length] === b[length]) length++;
  return length;
}

/**
 * How many cached tokens a new prompt can reuse. At least the prompt's last token must be computed afresh (its logits
 * pick the first new token), and a cache that cannot be cut shorter is only usable whole.
 */
export function reusableLength(cachedIds: readonly number[], promptIds: readonly number[], croppable: boolean): number {
  const shared = Math.min(commonPrefixLength(cachedIds, promptIds), promptIds.length - 1);
  if (shared === cachedIds.length) return shared;
  return croppable ? shared : 0;
}

interface Entry {
  /** What the cache was computed under: the model session and the settings of that turn. */
  key: string;
  ids: number[];
  cache: DynamicCache;
}

/**
 * Keeps the KV cache of the previous turn and the token ids it covers, and hands it out again only when those tokens
 * are an exact prefix of the next prompt (compared as ids: a re-rendered template can differ from what was generated).
 * Anything else — another branch, an edited message, other settings, another model — drops it.
 */
export class TurnCache {
  private entry: Entry | null = null;

  /** The cache for `promptIds` under `key`, cut to the reusable prefix, or null (and the old cache is freed). */
  async take(key: string, promptIds: readonly number[]): Promise<{ cache: DynamicCache; length: number } | null> {
    const entry = this.entry;
    this.entry = null;
    if (!entry) return null;
    const croppable = isCroppable(entry.cache);
    const length = entry.key === key ? reusableLength(entry.ids, promptIds, croppable) : 0;
    if (length === 0) {
      await entry.cache.dispose();
      return null;
    }
    return { cache: length === entry.ids.length ? entry.cache : crop(entry.cache, length), length };
  }

  /** Keeps the cache a generation returned; `sequence` is every token it saw, of which the cache covers a prefix. */
  keep(key: string, sequence: readonly number[], cache: DynamicCache): void {
    this.entry = { key, ids: sequence.slice(0, cache.get_seq_length()), cache };
  }

  async clear(): Promise<void> {
    const entry = this.entry;
    this.entry = null;
    await entry?.cache.dispose();
  }
}

/** Only attention caches in CPU memory can be cut; GPU buffers and recurrent states (Mamba, LFM2) cannot. */
function isCroppable(cache: DynamicCache): boolean {
  return Object.entries(cache as Record<string, Tensor>).every(
    ([name, tensor]) => name.startsWith('past_key_values.') && tensor.location === 'cpu' && tensor.dims.length === 4,
  );
}

/** A cache cut to its first `length` positions (dims are [batch, heads, positions, head size]). */
function crop(cache: DynamicCache, length: number): DynamicCache {
  const cropped: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(cache as Record<string, Tensor>)) {
    cropped[name] = tensor.slice(null, null, [0, length], null);
  }
  return new DynamicCache(cropped);
}
