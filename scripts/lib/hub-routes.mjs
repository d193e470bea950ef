// @ts-check
import { modelInfo, treeEntries } from './hub-views.mjs';

/** @typedef {import('./hub-repos.mjs').Repo} Repo */
/** @typedef {import('./hub-repos.mjs').RepoFile} RepoFile */
/** @typedef {{ kind: 'info' | 'tree' | 'resolve' | 'raw', org: string, name: string, revision: string, path: string }} HubRoute */

/**
 * What a Hub URL asks for, answered from a repo store: a JSON document, a text (an LFS pointer), a repo file to
 * stream, or an error the way the Hub reports it (status plus an `X-Error-Code`).
 * @typedef {{ type: 'json', status: number, body: unknown }
 *   | { type: 'text', body: string, headers: Record<string, string> }
 *   | { type: 'file', repo: Repo, file: RepoFile }
 *   | { type: 'error', status: number, code: string | null, message: string }} HubAnswer
 */

const TEXT_FILE = /\.(txt|md|jinja|py|ya?ml|csv)$|(^|\/)\.gitattributes$/;

/**
 * Matches the Hub's model URLs: `/api/models/{org}/{name}[/revision/{rev}]`, `/api/models/{org}/{name}/tree/{rev}[/{dir}]`
 * and `/{org}/{name}/{resolve|raw}/{rev}/{path}`.
 * @param {string[]} segments
 * @returns {HubRoute | null}
 */
export function matchHubRoute(segments) {
  const [first, second, org, name, verb, revision, ...rest] = segments;
  if (first === 'api' && second === 'models' && org && name) {
    if (verb === undefined) return { kind: 'info', org, name, revision: 'main', path: '' };
    if (verb === 'revision' && revision && rest.length === 0) return { kind: 'info', org, name, revision, path: '' };
    if (verb === 'tree' && revision) return { kind: 'tree', org, name, revision, path: rest.join('/') };
  }
  const [repoOrg, repoName, action, repoRevision, ...file] = segments;
  if ((action === 'resolve' || action === 'raw') && repoOrg && repoName && repoRevision && file.length > 0) {
    return { kind: action, org: repoOrg, name: repoName, revision: repoRevision, path: file.join('/') };
  }
  return null;
}

/**
 * Answers a Hub request from repos laid out as `<root>/<org>/<name>/<files…>`. Each repo has one commit, which
 * is also what `main` names.
 * @param {ReturnType<typeof import('./hub-repos.mjs').createRepoStore>} repos
 * @param {string[]} segments the request path, from pathSegments()
 * @param {URLSearchParams} query
 * @returns {Promise<HubAnswer>}
 */
export async function answerHubRequest(repos, segments, query) {
  const route = matchHubRoute(segments);
  if (!route) return { type: 'error', status: 404, code: null, message: 'Not Found' };
  const repo = await repos.getRepo(route.org, route.name);
  if (!repo) return { type: 'error', status: 401, code: 'RepoNotFound', message: 'Repository not found' };
  if (route.revision !== 'main' && route.revision !== repo.sha) {
    return { type: 'error', status: 404, code: 'RevisionNotFound', message: `Invalid rev id: ${route.revision}` };
  }
  if (route.kind === 'info') return { type: 'json', status: 200, body: modelInfo(repo) };
  if (route.kind === 'tree') {
    const entries = treeEntries(repo, route.path, ['true', '1'].includes(query.get('recursive') ?? ''));
    return entries ? { type: 'json', status: 200, body: entries } : { type: 'error', status: 404, code: 'EntryNotFound', message: 'Entry not found' };
  }
  const file = repo.files.find((candidate) => candidate.path === route.path);
  if (!file) return { type: 'error', status: 404, code: 'EntryNotFound', message: 'Entry not found' };
  if (route.kind === 'raw' && file.lfs) {
    return { type: 'text', body: file.lfs.pointer, headers: { ETag: `"${file.oid}"`, 'X-Repo-Commit': repo.sha } };
  }
  return { type: 'file', repo, file };
}

/**
 * The headers the Hub sends with a repo file (framing headers aside).
 * @param {Repo} repo
 * @param {RepoFile} file
 * @returns {Record<string, string>}
 */
export function repoFileHeaders(repo, file) {
  return {
    'Content-Type': file.path.endsWith('.json') ? 'application/json; charset=utf-8'
      : TEXT_FILE.test(file.path) ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    ETag: `"${file.lfs?.sha256 ?? file.oid}"`,
    'X-Repo-Commit': repo.sha,
    ...(file.lfs && { 'X-Linked-Etag': `"${file.lfs.sha256}"`, 'X-Linked-Size': String(file.size) }),
  };
}

/**
 * The JSON body and headers of an error the way the Hub sends it.
 * @param {Extract<HubAnswer, { type: 'error' }>} error
 * @returns {{ body: { error: string }, headers: Record<string, string> }}
 */
export function hubErrorResponse(error) {
  /** @type {Record<string, string>} */
  const headers = error.code ? { 'X-Error-Code': error.code, 'X-Error-Message': error.message } : {};
  return { body: { error: error.message }, headers };
}
