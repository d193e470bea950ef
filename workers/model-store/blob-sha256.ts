import { HelperWorker, helpersAvailable } from '../helper-worker';
import { sha256Hex } from './sha256-hex';

export type Sha256Answer = { digest: string } | { error: string };

/**
 * The sha256 of a Blob (a stored file, its chunks joined without a copy), taken in a worker of its own. WebCrypto
 * digests in the calling thread (Chromium; about 2 s for 1.35 GB on a 2-core machine, reading it back included): in
 * the engine's worker that silenced its heartbeat and would freeze a reply being written while another model finished
 * downloading. Where a worker cannot start, the hash is taken here.
 */
export function blobSha256(blob: Blob): Promise<string> {
  if (!helpersAvailable()) return hashHere(blob);
  const worker = new HelperWorker<Sha256Answer>('sha256');
  return new Promise<string>((resolve, reject) => {
    worker.onmessage = (answer) => {
      if ('digest' in answer) resolve(answer.digest);
      else reject(new Error(`The downloaded file could not be hashed: ${answer.error}`));
    };
    worker.onfailed = () => hashHere(blob).then(resolve, reject);
    worker.postMessage(blob);
  }).finally(() => worker.terminate());
}

async function hashHere(blob: Blob): Promise<string> {
  return sha256Hex(await blob.arrayBuffer());
}
