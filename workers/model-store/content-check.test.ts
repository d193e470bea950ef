import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentCheckFor } from './content-check';

const bytes = new TextEncoder().encode('the weights');
const sha256 = createHash('sha256').update(bytes).digest('hex');
const gitOid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
const notReadBack = () => Promise.reject(new Error('not read back'));

async function digestOf(file: { sha256: string | null; gitOid: string | null }): Promise<string> {
  const check = await contentCheckFor({ path: 'onnx/model.onnx', size: bytes.length, ...file });
  for (const chunk of [bytes.slice(0, 4), bytes.slice(4)]) await check.update(chunk);
  const digest = await check.digest(notReadBack);
  check.close();
  return digest;
}

// Without a page to start helpers (as here), every check hashes the chunks in this thread as they are stored.
describe('contentCheckFor', () => {
  it('takes an LFS file’s sha256 over its chunks as they are stored, without reading the file back', async () => {
    expect(await digestOf({ sha256, gitOid })).toBe(sha256);
  });

  it('takes a git file’s blob id: sha1 over its header and content', async () => {
    expect(await digestOf({ sha256: null, gitOid })).toBe(gitOid);
  });

  it('checks a file with no hash by its size', async () => {
    expect(await digestOf({ sha256: null, gitOid: null })).toBe(String(bytes.length));
  });
});
