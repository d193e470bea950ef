// @ts-check
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One file of a repo as the Hub describes it. `oid` is the git blob id of what git stores: the file
 * itself, or for LFS files the pointer. LFS files also carry their sha256, which is what a
 * download manager verifies.
 * @typedef {{ path: string, absPath: string, size: number, lfs: { sha256: string, pointer: string } | null, oid: string }} RepoFile
 */

/**
 * @typedef {{ id: string, sha: string, lastModified: Date, files: RepoFile[] }} Repo
 * `files` is sorted by path; `sha` is the one commit the repo has.
 */

const LFS_MIN_SIZE = 1024 * 1024;

/**
 * Model repos keep weights in Git LFS by name, and anything else large by size.
 * @param {string} path
 * @param {number} size
 */
function isLfsFile(path, size) {
  return /\.onnx$|\.onnx_data/.test(path) || size >= LFS_MIN_SIZE;
}

/**
 * Git's object id of a blob: sha1 over `blob <size>\0` and the content.
 * @param {string | Buffer} content
 */
function gitBlobOid(content) {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The text git keeps in place of an LFS file.
 * @param {string} sha256
 * @param {number} size
 */
function lfsPointer(sha256, size) {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

/**
 * Reads repos laid out as `<root>/<org>/<name>/<files…>`. Each request re-lists the folder (cheap)
 * so fixtures rewritten while the server runs are seen, but a file is hashed again only when its
 * size or mtime changed: hashing a 500 MB weight file takes seconds.
 * @param {string} root
 */
export function createRepoStore(root) {
  /** @type {Map<string, { stamp: string, hash: Promise<string> }>} */
  const hashes = new Map();

  /**
   * sha256 for LFS files, the git blob id otherwise: the content hash each kind is known by.
   * @param {string} absPath
   * @param {{ size: number, mtimeMs: number }} info
   * @param {boolean} lfs
   */
  function contentHash(absPath, info, lfs) {
    const stamp = `${info.size}:${info.mtimeMs}:${lfs}`;
    const known = hashes.get(absPath);
    if (known?.stamp === stamp) return known.hash;
    const hash = hashFile(absPath, lfs ? 'sha256' : 'sha1', lfs ? '' : `blob ${info.size}\0`);
    hashes.set(absPath, { stamp, hash });
    hash.catch(() => {
      if (hashes.get(absPath)?.hash === hash) hashes.delete(absPath); // let the next request retry
    });
    return hash;
  }

  /**
   * @param {string} org
   * @param {string} name
   * @returns {Promise<Repo | null>} null when there is no such repo
   */
  async function getRepo(org, name) {
    const listed = await listFiles(join(root, org, name));
    if (!listed) return null;
    const files = await Promise.all(
      listed.map(async ({ path, absPath, info }) => {
        const lfs = isLfsFile(path, info.size);
        const hash = await contentHash(absPath, info, lfs);
        if (!lfs) return { path, absPath, size: info.size, lfs: null, oid: hash };
        const pointer = lfsPointer(hash, info.size);
        return { path, absPath, size: info.size, lfs: { sha256: hash, pointer }, oid: gitBlobOid(pointer) };
      }),
    );
    const commit = createHash('sha1');
    for (const file of files) commit.update(`${file.path}\0${file.lfs?.sha256 ?? file.oid}\n`);
    const newest = Math.max(0, ...listed.map(({ info }) => info.mtimeMs));
    return { id: `${org}/${name}`, sha: commit.digest('hex'), lastModified: new Date(newest), files };
  }

  /** Hashes every repo up front, so the first download of a benchmark does not pay for it. */
  async function warm() {
    for (const org of await subfolders(root)) {
      for (const name of await subfolders(join(root, org))) await getRepo(org, name);
    }
  }

  return { getRepo, warm };
}

/**
 * @param {string} absPath
 * @param {'sha1' | 'sha256'} algorithm
 * @param {string} prefix
 */
async function hashFile(absPath, algorithm, prefix) {
  const hash = createHash(algorithm).update(prefix);
  for await (const chunk of createReadStream(absPath)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
async function subfolders(dir) {
  const names = await readdir(dir);
  const isDir = await Promise.all(names.map((name) => stat(join(dir, name)).then((info) => info.isDirectory())));
  return names.filter((_, index) => isDir[index]).sort();
}

/**
 * Every file under `dir` (following symlinks, so fixtures may link big files instead of copying),
 * sorted by repo path; null if `dir` is not a folder.
 * @param {string} dir
 * @returns {Promise<{ path: string, absPath: string, info: import('node:fs').Stats }[] | null>}
 */
async function listFiles(dir) {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) return null;
  /** @type {{ path: string, absPath: string, info: import('node:fs').Stats }[]} */
  const found = [];
  /** @param {string} absDir @param {string} prefix */
  async function walk(absDir, prefix) {
    for (const name of await readdir(absDir)) {
      if (name === '.git') continue; // a cloned repo's git database is not part of its tree
      const absPath = join(absDir, name);
      const entry = await stat(absPath);
      if (entry.isDirectory()) await walk(absPath, `${prefix}${name}/`);
      else if (entry.isFile()) found.push({ path: `${prefix}${name}`, absPath, info: entry });
    }
  }
  await walk(dir, '');
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
