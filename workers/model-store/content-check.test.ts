import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentCheckFor, WHOLE_FILE_DIGEST_MAX_BYTES } from './content-check';

const bytes = new TextEncoder().encode('the weights');
const sha256 = createHash('sha256').update(bytes).digest('hex');
const listed = (size: number) => ({ path: 'onnx/model.onnx', size, sha256, gitOid: null });

describe('contentCheckFor', () => {
  it('takes an LFS file’s sha256 once it is stored, from the file read back whole, and ignores the pieces', async () => {
    const check = await contentCheckFor(listed(bytes.length));
    expect(check).toMatchObject({ kind: 'sha256', expected: sha256, streaming: false });
    check.update(new Uint8Array([1, 2, 3]));
    expect(await check.digest(async () => new Blob([bytes]))).toBe(sha256);
  });

  it('hashes a file too large to read back whole as its pieces arrive, without reading it back', async () => {
    const check = await contentCheckFor(listed(WHOLE_FILE_DIGEST_MAX_BYTES + 1));
    expect(check).toMatchObject({ kind: 'sha256', streaming: true });
    check.update(bytes.subarray(0, 4));
    check.update(bytes.subarray(4));
    expect(await check.digest(() => Promise.reject(new Error('not read back')))).toBe(sha256);
  });
});
