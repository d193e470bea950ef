import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HelperSha256, type Sha256Answer, type Sha256Request } from './helper-sha256';

/** Stands in for the helper worker: records what it is sent; the test answers for it. */
const helpers = vi.hoisted(() => {
  class FakeHelper {
    onmessage: ((answer: unknown) => void) | null = null;
    onfailed: (() => void) | null = null;
    readonly sent: unknown[] = [];
    readonly transferred: Transferable[] = [];
    terminated = false;
    constructor() {
      helpers.push(this);
    }
    postMessage(message: unknown, transfer: Transferable[] = []) {
      this.sent.push(message);
      this.transferred.push(...transfer);
    }
    terminate() {
      this.terminated = true;
    }
  }
  const helpers: FakeHelper[] = [];
  return Object.assign(helpers, { FakeHelper });
});
vi.mock('../helper-worker', () => ({ HelperWorker: helpers.FakeHelper }));

const file = new TextEncoder().encode('the stored file');
const sha256 = createHash('sha256').update(file).digest('hex');
const stored = async () => new Blob([file]);

function started() {
  const hash = new HelperSha256();
  const helper = helpers.at(-1)!;
  const answer = (message: Sha256Answer) => helper.onmessage!(message);
  const sent = () => helper.sent as Sha256Request[];
  return { hash, helper, answer, sent };
}

/** Lets promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('HelperSha256', () => {
  it('moves chunks to the helper, no more than two ahead of its hashing, and takes the digest from it', async () => {
    const { hash, helper, answer, sent } = started();
    const first = file.slice();
    await hash.update(first);
    expect(helper.transferred).toEqual([first.buffer]); // moved, not copied
    await hash.update(file.slice());
    let third = false;
    void hash.update(file.slice()).then(() => (third = true));
    await settle();
    expect(third).toBe(false);
    expect(sent()).toHaveLength(2);
    answer({ type: 'hashed' });
    await settle();
    expect(third).toBe(true);
    expect(sent().map((request) => request.type)).toEqual(['update', 'update', 'update']);

    const digest = hash.digest(() => Promise.reject(new Error('read back')));
    answer({ type: 'hashed' });
    answer({ type: 'hashed' });
    answer({ type: 'digest', digest: 'from the helper' });
    expect(await digest).toBe('from the helper');
    hash.close();
    expect(helper.terminated).toBe(true);
  });

  it('hashes the stored file here when the helper could not start', async () => {
    const { hash, helper } = started();
    await hash.update(file.slice());
    helper.onfailed!();
    await hash.update(file.slice()); // taken without waiting
    expect(await hash.digest(stored)).toBe(sha256);
  });

  it('hashes the stored file here when the helper reports an error', async () => {
    const { hash, answer } = started();
    const digest = hash.digest(stored);
    answer({ type: 'error', message: 'NotReadableError' });
    expect(await digest).toBe(sha256);
  });

  it('gives up on a helper silent for 30 s while it has a chunk, but not on one merely waiting for the network', async () => {
    vi.useFakeTimers();
    const idle = started();
    await idle.hash.update(file.slice());
    idle.answer({ type: 'hashed' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(idle.helper.terminated).toBe(false);

    const silent = started();
    await silent.hash.update(file.slice());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(silent.helper.terminated).toBe(true);
    vi.useRealTimers();
    expect(await silent.hash.digest(stored)).toBe(sha256);
  });
});
