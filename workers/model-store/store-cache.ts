import { measureSince } from '../load-timing';
import type { FileRecord, ModelStore } from './model-store';
import { type NodeRewrite, rewriteGraph } from './graph-rewrite';

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
  /** Files served from Blobs made here rather than as stored: a rewritten graph, and the weights moved out of it. */
  private made = new Map<string, Blob>();

  constructor(private readonly store: ModelStore) {}

  /** Offers this model's files (and no others) until the next call. */
  offer(model: CachedModel): void {
    this.resolvePrefix = model.resolvePrefix;
    this.files = new Map(model.files.map((file) => [file.path, file]));
    this.made = new Map();
  }

  /**
   * Serves the offered graph at `path` rewritten as it is read (graph-rewrite.ts): its weights moved to `{path}_data`
   * when asked, as transformers.js asks for them when told the graph has one external-data file, and its nodes
   * rewritten by `rewriteNode`. Says whether the weights moved. A graph that cannot be read is served as stored.
   */
  async rewriteGraph(path: string, { moveWeights, rewriteNode }: { moveWeights: boolean; rewriteNode?: NodeRewrite }): Promise<{ weightsMoved: boolean }> {
    // what an earlier candidate's rewrite made is not this one's
    this.made.delete(path);
    this.made.delete(`${path}_data`);
    const record = await this.storedRecord(path);
    if (!record) return { weightsMoved: false };
    const weightsFile = moveWeights ? `${path.slice(path.lastIndexOf('/') + 1)}_data` : null;
    const rewritten = await rewriteGraph(await this.store.wholeBlob(record), { weightsFile, rewriteNode });
    if (!rewritten) return { weightsMoved: false };
    this.made.set(path, rewritten.graph);
    if (rewritten.data) this.made.set(`${path}_data`, rewritten.data);
    return { weightsMoved: rewritten.data !== null };
  }

  /**
   * Any revision in the URL gets the offered model's file: the model was pinned to one commit before loading, and
   * transformers.js asks for some files at `main` whatever revision it was given (its tokenizer probe does).
   */
  async match(url: string): Promise<Response | undefined> {
    if (!this.resolvePrefix || !url.startsWith(this.resolvePrefix)) return undefined;
    const rest = url.slice(this.resolvePrefix.length);
    const path = rest.slice(rest.indexOf('/') + 1);
    const made = this.made.get(path);
    if (made) return madeResponse(path, made);
    const record = await this.storedRecord(path);
    if (!record) return undefined;
    const store = this.store;
    const started = performance.now();
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index >= record.chunks) {
          controller.close();
          measureSince(`read ${path}`, started);
          return;
        }
        controller.enqueue(await store.getChunk(record.key, index++));
      },
    });
    return new Response(body, { headers: binaryHeaders(record.size) });
  }

  /** The stored record of the offered file at `path`, when it is complete and of the listed size. */
  private async storedRecord(path: string): Promise<FileRecord | undefined> {
    const file = this.files.get(path);
    const record = file ? await this.store.getFile(file.key) : undefined;
    return record?.complete && record.size === file?.size ? record : undefined;
  }

  /** Downloads go through the download manager only; transformers.js never fetches a model file itself. */
  async put(): Promise<void> {}
}

const binaryHeaders = (size: number) => ({ 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' });

/** A made file's body, read as transformers.js reads it, timed like a stored file's. */
function madeResponse(path: string, blob: Blob): Response {
  const started = performance.now();
  const timing = new TransformStream<Uint8Array, Uint8Array>({ flush: () => measureSince(`read ${path}`, started) });
  return new Response(blob.stream().pipeThrough(timing), { headers: binaryHeaders(blob.size) });
}
