// @ts-check
import { createHash } from 'node:crypto';

/** @typedef {import('./hub-repos.mjs').Repo} Repo */
/** @typedef {import('./hub-repos.mjs').RepoFile} RepoFile */

/**
 * @typedef {{ type: 'file' | 'directory', oid: string, size: number, path: string,
 *   lfs?: { oid: string, size: number, pointerSize: number } }} TreeEntry
 */

/**
 * The body of `GET /api/models/{org}/{name}[/revision/{rev}]`, with the fields the app may read.
 * @param {Repo} repo
 */
export function modelInfo(repo) {
  return {
    id: repo.id,
    modelId: repo.id,
    sha: repo.sha,
    lastModified: repo.lastModified.toISOString(),
    private: false,
    gated: false,
    library_name: 'transformers.js',
    tags: ['transformers.js', 'onnx'],
    siblings: repo.files.map((file) => ({ rfilename: file.path })),
  };
}

/**
 * The body of `GET /api/models/{org}/{name}/tree/{rev}[/{dir}]`: the folder's children, or with
 * `recursive` everything below it; folders first, like the Hub. Like the Hub, a path that is a file
 * or does not exist has no tree (null → 404): list its folder instead.
 * @param {Repo} repo
 * @param {string} dir '' for the repo root
 * @param {boolean} recursive
 * @returns {TreeEntry[] | null}
 */
export function treeEntries(repo, dir, recursive) {
  const prefix = dir === '' ? '' : `${dir}/`;
  const below = repo.files.filter((file) => file.path.startsWith(prefix));
  if (below.length === 0 && dir !== '') return null;
  const folders = new Set();
  for (const file of below) {
    const parts = file.path.slice(prefix.length).split('/').slice(0, -1);
    const depth = recursive ? parts.length : Math.min(parts.length, 1);
    for (let i = 1; i <= depth; i += 1) folders.add(prefix + parts.slice(0, i).join('/'));
  }
  const files = recursive ? below : below.filter((file) => !file.path.slice(prefix.length).includes('/'));
  return [
    ...[...folders].sort().map((path) => folderEntry(repo, path)),
    ...files.map(fileEntry),
  ];
}

/**
 * @param {Repo} repo
 * @param {string} path
 * @returns {TreeEntry}
 */
function folderEntry(repo, path) {
  // Stands in for git's tree id: changes whenever anything below the folder changes.
  const oid = createHash('sha1');
  for (const file of repo.files) if (file.path.startsWith(`${path}/`)) oid.update(`${file.path}\0${file.oid}\n`);
  return { type: 'directory', oid: oid.digest('hex'), size: 0, path };
}

/**
 * @param {RepoFile} file
 * @returns {TreeEntry}
 */
function fileEntry(file) {
  /** @type {TreeEntry} */
  const entry = { type: 'file', oid: file.oid, size: file.size, path: file.path };
  if (file.lfs) entry.lfs = { oid: file.lfs.sha256, size: file.size, pointerSize: Buffer.byteLength(file.lfs.pointer) };
  return entry;
}
