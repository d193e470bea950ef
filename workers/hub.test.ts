import { afterEach, describe, expect, it, vi } from 'vitest';
import { listRepoFiles, validateRepoId } from './hub';

describe('validateRepoId', () => {
  it.each(['onnx-community/Qwen2.5-0.5B-Instruct', 'HuggingFaceTB/SmolLM2-135M-Instruct', 'a/b', 'user_1/model_'])('accepts %s', (repo) => {
    expect(() => validateRepoId(repo)).not.toThrow();
  });

  it.each(['owner/.', 'owner/..', './name', 'owner/name.', 'owner/-name', 'owner/a..b', 'owner/a--b', 'owner', 'a/b/c', 'owner/', '/name', 'owner/na me', `owner/${'x'.repeat(97)}`])(
    'refuses %s with a message that says what an id looks like',
    (repo) => {
      expect(() => validateRepoId(repo)).toThrow(/is not a Hugging Face model id\. Use the form owner\/name/);
    },
  );
});

describe('listRepoFiles', () => {
  const ref = { hubUrl: 'https://hub.test', repo: 'org/model', revision: 'main' };
  const commit = 'c'.repeat(40);
  const file = (path: string) => ({ type: 'file', path, size: 1, oid: 'a'.repeat(40) });
  afterEach(() => vi.unstubAllGlobals());

  /** A hub whose tree pages each hold one file and point on to `next(page)`, if anything. */
  function pagingHub(next: (page: number) => string | null) {
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      if (url.includes('/revision/')) return Response.json({ sha: commit });
      const page = Number(new URL(url).searchParams.get('cursor') ?? 0);
      const link = next(page);
      return Response.json([file(`file-${page}.json`)], { headers: link ? { Link: `<${link}>; rel="next"` } : {} });
    });
    return requested;
  }

  it('follows the listing’s pages on the hub’s own origin, relative links included', async () => {
    pagingHub((page) => (page === 0 ? 'https://hub.test/api/models/org/model/tree/x?cursor=1' : page === 1 ? '/api/models/org/model/tree/x?cursor=2' : null));
    const listing = await listRepoFiles(ref, new AbortController().signal);
    expect(listing.files.map((entry) => entry.path)).toEqual(['file-0.json', 'file-1.json', 'file-2.json']);
  });

  it('refuses a page on another site, and a listing that never ends', async () => {
    const requested = pagingHub(() => 'https://elsewhere.test/steal?cursor=1');
    await expect(listRepoFiles(ref, new AbortController().signal)).rejects.toMatchObject({
      code: 'hub-error',
      message: 'The hub at https://hub.test sent the file listing of “org/model” on to another site; it was not followed.',
    });
    expect(requested.some((url) => url.includes('elsewhere'))).toBe(false);

    pagingHub((page) => `https://hub.test/api/models/org/model/tree/x?cursor=${page + 1}`);
    await expect(listRepoFiles(ref, new AbortController().signal)).rejects.toMatchObject({
      code: 'hub-error',
      message: 'The file listing of “org/model” goes on for more than 100 pages; it was not read to the end.',
    });
  });
});
