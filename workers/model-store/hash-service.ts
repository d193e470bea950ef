import type { IHasher } from 'hash-wasm';
import { startHash, type HashSpec } from './hashing';

/** What a download asks of its hashing thread, in order. */
export type HashRequest = { type: 'start'; spec: HashSpec } | { type: 'update'; bytes: Uint8Array } | { type: 'digest' };

/** `hashed` acknowledges each update, so the sender can bound what is waiting to be hashed. */
export type HashResponse = { type: 'hashed'; bytes: number } | { type: 'digest'; hex: string } | { type: 'error'; message: string };

/** One end of a message channel: a worker's global scope, a Worker, or a MessagePort. */
export interface HashPort {
  postMessage(message: HashRequest | HashResponse, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/**
 * The hashing thread's side: hashes what arrives, in arrival order. Every step chains on the hash being started, so
 * updates that arrive while hash-wasm is still compiling wait in order rather than being lost.
 */
export function serveHashing(port: HashPort): void {
  let hash: Promise<IHasher> | null = null;
  const fail = (error: unknown) => port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  const withHash = (step: (hasher: IHasher) => void) => {
    if (!hash) fail(new Error('nothing is being hashed'));
    else hash.then(step).catch(fail);
  };
  port.onmessage = ({ data }: MessageEvent<HashRequest>) => {
    if (data.type === 'start') hash = startHash(data.spec);
    else if (data.type === 'update') {
      withHash((hasher) => {
        hasher.update(data.bytes);
        port.postMessage({ type: 'hashed', bytes: data.bytes.byteLength });
      });
    } else withHash((hasher) => port.postMessage({ type: 'digest', hex: hasher.digest('hex') }));
  };
}
