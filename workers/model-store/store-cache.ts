import { measureSince } from '../load-timing';
import type { ModelStore } from './model-store';

export interface CachedFile {
  path: string;
  key: string;
  size: number;
}

export interface CachedModel {
  /** What transformers.js asks for: `{resolvePrefix}{revision}/{path}`, i.e. `{hub}/{repo}/resolve/`. */
  resolvePrefix: string;
  files: CachedFile[];
}

/**
 * transformers.js' custom cache (`env.customCache`) backed by the model store: it reads every model file from here,
 * so there is no second copy in the Cache API. Only the files of the model being loaded are offered, and only once
 * complete and verified. Bodies are streamed chunk by chunk, with `Content-Length` so transformers.js can read them
 * into one buffer of the right size.
 */
export class StoreCache {
  private resolvePrefix = '';
  private files = new Map<string, CachedFile>();

  constructor(private readonly store: ModelStore) {}

  /** Offers this model's files (and no others) until the next call. */
  offer(model: CachedModel): void {
    this.resolvePrefix = model.resolvePrefix;
    this.files = new Map(model.files.map((file) => [file.path, file]));
  }

  /**
   * Any revision in the URL gets the offered model's file: the model was pinned to one commit before loading, and
   * transformers.js asks for some files at `main` whatever revision it was given (its tokenizer probe does).
   */
  async match(url: string): Promise<Response | undefined> {
    if (!this.resolvePrefix || !url.startsWith(this.resolvePrefix)) return undefined;
    const rest = url.slice(this.resolvePrefix.length);
    const file = this.files.get(rest.slice(rest.indexOf('/') + 1));
    if (!file) return undefined;
    const record = await this.store.getFile(file.key);
    if (!record?.complete || record.size !== file.size) return undefined;
    const store = this.store;
    const started = performance.now();
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index >= record.chunks) {
          controller.close();
          measureSince(`read ${file.path}`, started);
          return;
        }
        controller.enqueue(await store.getChunk(record.key, index++));
      },
    });
    return new Response(body, {
      headers: { 'Content-Length': String(record.size), 'Content-Type': 'application/octet-stream' },
    });
  }

  /** Downloads go through the download manager only; transformers.js never fetches a model file itself. */
  async put(): Promise<void> {}
}
