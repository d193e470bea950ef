import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentCheckFor, type HashThread } from './content-check';
import { serveHashing, type HashPort } from './hash-service';
import type { ListedFile } from './model-store';

/** A hashing thread over a real MessageChannel: the bytes are moved (transferred) as they are to a worker. */
function channelThread(): HashThread & { terminated: boolean; sent: number } {
  const { port1, port2 } = new MessageChannel();
  serveHashing(port2 as unknown as HashPort);
  const thread = {
    terminated: false,
    sent: 0,
    set onmessage(handler: ((event: MessageEvent) => void) | null) {
      port1.onmessage = handler;
    },
    get onmessage() {
      return port1.onmessage as ((event: MessageEvent) => void) | null;
    },
    postMessage(message: unknown, transfer?: Transferable[]) {
      thread.sent++;
      port1.postMessage(message, transfer ?? []);
    },
    terminate() {
      thread.terminated = true;
      port1.close();
      port2.close();
    },
  };
  return thread;
}

const bigFile = (bytes: Uint8Array, hash: 'sha256' | 'sha1'): ListedFile => ({
  path: 'onnx/model.onnx',
  size: bytes.length,
  sha256: hash === 'sha256' ? createHash('sha256').update(bytes).digest('hex') : null,
  gitOid: hash === 'sha1' ? createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex') : null,
});

function pseudoRandomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}

describe('contentCheckFor', () => {
  it.each(['sha256', 'sha1'] as const)('hashes a large file on its own thread, moving the bytes there (%s)', async (hash) => {
    const content = pseudoRandomBytes(5 * 1024 * 1024);
    const file = bigFile(content, hash);
    const thread = channelThread();
    const check = await contentCheckFor(file, { threadAbove: 1024, spawn: () => thread });
    expect(check.kind).toBe(hash === 'sha256' ? 'sha256' : 'git blob id');
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < content.length; offset += 300_000) parts.push(content.slice(offset, offset + 300_000));
    for (const part of parts) await check.update(part);
    expect(parts[0].byteLength, 'the bytes were moved, not copied').toBe(0);
    expect(await check.digest()).toBe(check.expected);
    expect(thread.terminated).toBe(true);
  });

  it('copies out a view into a larger buffer rather than moving the buffer from under its owner', async () => {
    const content = pseudoRandomBytes(5 * 1024 * 1024);
    const check = await contentCheckFor(bigFile(content.subarray(1000), 'sha256'), { threadAbove: 1024, spawn: channelThread });
    await check.update(content.subarray(1000));
    expect(content.byteLength, 'the caller’s buffer is untouched').toBe(5 * 1024 * 1024);
    expect(await check.digest()).toBe(check.expected);
  });

  it('makes the download wait while too much is waiting to be hashed', async () => {
    const content = pseudoRandomBytes(40 * 1024 * 1024);
    const silent = { onmessage: null, postMessage: () => {}, terminate: () => {} }; // a thread that never catches up
    const check = await contentCheckFor(bigFile(content, 'sha256'), { threadAbove: 1024, spawn: () => silent });
    await check.update(content.slice(0, 16 * 1024 * 1024));
    const overBound = check.update(content.slice(16 * 1024 * 1024));
    const outcome = await Promise.race([overBound.then(() => 'went on'), new Promise((resolve) => setTimeout(resolve, 200, 'waits'))]);
    expect(outcome).toBe('waits');
  });

  it('hashes a file of one chunk in line, without a thread', async () => {
    const content = pseudoRandomBytes(1024);
    let spawned = 0;
    const check = await contentCheckFor(bigFile(content, 'sha256'), {
      threadAbove: 1024,
      spawn: () => {
        spawned++;
        return channelThread();
      },
    });
    await check.update(content);
    expect(await check.digest()).toBe(check.expected);
    expect(spawned).toBe(0);
  });

  it('reports a failed hashing thread as an error of the download', async () => {
    const content = pseudoRandomBytes(5 * 1024 * 1024);
    const thread = channelThread();
    const check = await contentCheckFor(bigFile(content, 'sha256'), { threadAbove: 1024, spawn: () => thread });
    thread.onerror!({ message: 'worker script blocked' } as ErrorEvent);
    await expect(check.update(content)).rejects.toThrow(/hashing failed \(worker script blocked\)/);
    await expect(check.digest()).rejects.toThrow(/hashing failed/);
  });
});
