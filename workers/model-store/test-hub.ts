import { createHash } from 'node:crypto';
import type { DownloadTarget } from './file-download';
import { fileKey, type ModelStore } from './model-store';

/** Faults of the in-memory hub used by the unit tests (the e2e tests use scripts/fake-hub.mjs). */
export interface TestHubFaults {
  /** Break the body after this many bytes, for the first `cutTimes` responses. */
  cutAfterBytes?: number;
  cutTimes?: number;
  /** At the cut, go silent and keep the connection open (until the request is aborted) instead of breaking it. */
  hangAtCut?: boolean;
  ignoreRange?: boolean;
  corrupt?: boolean;
  /** Answer the first N requests with 503. */
  failFirst?: number;
  /** Leave out Content-Range, like a CDN that does not expose it to the page. */
  hideContentRange?: boolean;
  /** A different ETag on every response, like a CDN that tags each one. */
  etagPerRequest?: boolean;
}

/** Settles, with the AbortError a fetch body gives, only once `signal` aborts: a connection gone silent. */
export function abortedBy(signal: AbortSignal | null | undefined): Promise<DOMException> {
  const error = () => new DOMException('The operation was aborted.', 'AbortError');
  if (signal?.aborted) return Promise.resolve(error());
  return new Promise((resolve) => signal?.addEventListener('abort', () => resolve(error()), { once: true }));
}

/** Deterministic bytes of a given length. */
export function testBytes(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

export function testTarget(bytes: Uint8Array, path = 'onnx/model.onnx'): DownloadTarget {
  return {
    repo: 'org/model',
    commit: 'c'.repeat(40),
    path,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    gitOid: null,
    url: `https://hub.test/org/model/resolve/${'c'.repeat(40)}/${path}`,
  };
}

/** A fetch that serves one file with Range support and the faults asked for, and logs what it was asked. */
export function testHub(file: Uint8Array, faults: TestHubFaults = {}) {
  const requests: { range: string | null }[] = [];
  let cuts = 0;
  let sent = 0;
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const range = new Headers(init?.headers).get('Range');
    requests.push({ range });
    if (requests.length <= (faults.failFirst ?? 0)) return new Response('busy', { status: 503 });
    const start = range && !faults.ignoreRange ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
    if (start >= file.length && file.length > 0) return new Response(null, { status: 416 });
    let body = file.subarray(start);
    if (faults.corrupt) body = body.map((byte) => byte ^ 0xff);
    const cutAt = faults.cutAfterBytes !== undefined && cuts < (faults.cutTimes ?? Infinity) ? faults.cutAfterBytes : undefined;
    if (cutAt !== undefined && cutAt < body.length) cuts++;
    const end = cutAt !== undefined && cutAt < body.length ? cutAt : body.length;
    let offset = 0;
    // Pulled piece by piece, like a network body: an abort or a cut shows up at the next read.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (init?.signal?.aborted) controller.error(new DOMException('The operation was aborted.', 'AbortError'));
        else if (offset < end) {
          const piece = body.slice(offset, Math.min(end, offset + 1000));
          offset += piece.length;
          sent += piece.length;
          controller.enqueue(piece);
        } else if (end < body.length && faults.hangAtCut) return abortedBy(init?.signal).then((error) => controller.error(error));
        else if (end < body.length) controller.error(new TypeError('network error'));
        else controller.close();
      },
    });
    const partial = start > 0;
    return new Response(stream, {
      status: partial ? 206 : 200,
      headers: {
        ETag: faults.etagPerRequest ? `"etag-${requests.length}"` : '"etag-1"',
        'Content-Length': String(body.length),
        ...(partial && !faults.hideContentRange ? { 'Content-Range': `bytes ${start}-${file.length - 1}/${file.length}` } : {}),
      },
    });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    requests,
    get bytesSent() {
      return sent;
    },
  };
}

/** Whether the store holds the whole file, verified. */
export async function isStored(store: ModelStore, target: DownloadTarget): Promise<boolean> {
  const record = await store.getFile(fileKey(target.repo, target.commit, target.path));
  return record?.complete === true && record.size === target.size;
}
