import { backoffMs, isTransientStatus, sleep } from './model-store/backoff';
import type { ListedFile } from './model-store/model-store';
import { EngineError, isRepoId, type RepoRef } from '../shared/protocol';

export function validateRepoId(repo: string): void {
  if (!isRepoId(repo)) {
    throw new EngineError(
      'invalid-repo-id',
      `“${repo}” is not a Hugging Face model id. Use the form owner/name, for example onnx-community/Qwen3-0.6B-ONNX.`,
    );
  }
}

function hubBase(hubUrl: string): string {
  return hubUrl.replace(/\/+$/, '');
}

/** `{hub}/{repo}/resolve/`: what every file URL of a repository starts with, whatever the revision. */
export function resolvePrefix(ref: Pick<RepoRef, 'hubUrl' | 'repo'>): string {
  return `${hubBase(ref.hubUrl)}/${ref.repo}/resolve/`;
}

export function resolveUrl(ref: RepoRef, path: string): string {
  return `${resolvePrefix(ref)}${encodeURIComponent(ref.revision)}/${path}`;
}

/** A listing is small: a short retry covers a hub that hiccups, without keeping a person waiting when it is down. */
const LISTING_ATTEMPTS = 3;
/** A hub that accepts the connection but never answers (a hung proxy) is given up on after this long per attempt. */
const LISTING_TIMEOUT_MS = 30_000;

async function fetchWithRetry(url: string, ref: RepoRef, signal: AbortSignal): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let response: Response | null = null;
    let failure: unknown = null;
    try {
      // The time limit covers the body too: it is read under the same signal.
      const limited = AbortSignal.any([signal, AbortSignal.timeout(LISTING_TIMEOUT_MS)]);
      response = await fetch(url, { signal: limited, headers: { Accept: 'application/json' } });
    } catch (error) {
      if (signal.aborted) throw new EngineError('cancelled', 'Cancelled.');
      failure = error;
    }
    if (response && !isTransientStatus(response.status)) return response;
    if (attempt === LISTING_ATTEMPTS) {
      if (response) return response;
      throw unreachable(ref, failure);
    }
    await sleep(backoffMs(attempt), signal);
  }
}

/**
 * Fetches a Hub API document and turns every way it can go wrong into an EngineError a person can act on: the hub
 * is unreachable, the repository or revision does not exist, or the server is not a hub at all (an HTML page).
 */
async function fetchHubJson(url: string, ref: RepoRef, signal: AbortSignal): Promise<{ body: unknown; response: Response }> {
  const response = await fetchWithRetry(url, ref, signal);
  if (!response.ok) throw await hubStatusError(response, ref);
  const text = await response.text().catch((error: unknown) => {
    throw signal.aborted ? new EngineError('cancelled', 'Cancelled.') : unreachable(ref, error);
  });
  try {
    return { body: JSON.parse(text), response };
  } catch {
    throw notAHub(ref);
  }
}

function unreachable(ref: RepoRef, cause: unknown): EngineError {
  return new EngineError(
    'network',
    `Could not reach the model hub at ${ref.hubUrl}. Check your connection and try again; if it keeps failing, ` +
      "the hub URL in this app's config.json may be wrong.",
    { cause },
  );
}

function notAHub(ref: RepoRef): EngineError {
  return new EngineError(
    'hub-not-json',
    `The hub at ${ref.hubUrl} answered with a web page instead of model data. Check the hub URL: it must point to ` +
      'the Hugging Face Hub or a mirror of it.',
  );
}

async function hubStatusError(response: Response, ref: RepoRef): Promise<EngineError> {
  const errorCode = response.headers.get('X-Error-Code');
  const isJson = (response.headers.get('Content-Type') ?? '').includes('json');
  if (errorCode === 'RepoNotFound' || (!errorCode && (response.status === 401 || response.status === 404) && isJson)) {
    return new EngineError(
      'repo-not-found',
      `The model “${ref.repo}” was not found on ${ref.hubUrl}. Check the id (owner/name); private and gated models are not supported.`,
    );
  }
  if (errorCode === 'RevisionNotFound') {
    return new EngineError('revision-not-found', `The model “${ref.repo}” has no revision “${ref.revision}”.`);
  }
  if (!isJson && (response.headers.get('Content-Type') ?? '').includes('html') && response.status < 500) {
    return notAHub(ref);
  }
  return new EngineError(
    'hub-error',
    `The hub at ${ref.hubUrl} answered ${response.status} ${response.statusText} for “${ref.repo}”. Try again later.`,
  );
}

interface TreeEntry {
  type: string;
  path: string;
  size: number;
  oid?: unknown;
  lfs?: { oid?: unknown };
}

function isTreeEntry(value: unknown): value is TreeEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.type === 'string' && typeof entry.path === 'string' && typeof entry.size === 'number';
}

function hexOrNull(value: unknown, length: number): string | null {
  return typeof value === 'string' && value.length === length && /^[0-9a-f]+$/.test(value) ? value : null;
}

/** A tree entry with what its content can be checked against: LFS files by sha256, git files by blob id. */
function toListedFile(entry: TreeEntry): ListedFile {
  const isLfs = typeof entry.lfs === 'object' && entry.lfs !== null;
  return {
    path: entry.path,
    size: entry.size,
    sha256: isLfs ? hexOrNull(entry.lfs?.oid, 64) : null,
    gitOid: isLfs ? null : hexOrNull(entry.oid, 40),
  };
}

/** The Hub lists 1,000 files a page; no model repository needs a hundred pages. */
const MAX_LISTING_PAGES = 100;

/**
 * The next page of a tree listing (the Hub's `Link: <…>; rel="next"`). A repository's hub must not send the worker
 * elsewhere, so a page on another origin is refused rather than followed.
 */
function nextPage(response: Response, ref: RepoRef): string | null {
  const link = response.headers.get('Link');
  const match = link?.match(/<([^>]+)>;\s*rel="next"/);
  if (!match) return null;
  const hub = new URL(hubBase(ref.hubUrl));
  const next = URL.parse(match[1], hub);
  if (next?.origin !== hub.origin) {
    throw new EngineError('hub-error', `The hub at ${ref.hubUrl} sent the file listing of “${ref.repo}” on to another site; it was not followed.`);
  }
  return next.href;
}

export interface RepoListing {
  /** The commit the revision points to, so every file can be pinned to it. */
  commit: string | null;
  files: ListedFile[];
}

/** The commit a revision (a branch such as `main`) points to on the hub now; null when the hub names none. */
export async function revisionCommit(ref: RepoRef, signal: AbortSignal): Promise<string | null> {
  validateRepoId(ref.repo);
  const revisionUrl = `${hubBase(ref.hubUrl)}/api/models/${ref.repo}/revision/${encodeURIComponent(ref.revision)}`;
  const { body: info } = await fetchHubJson(revisionUrl, ref, signal);
  const sha = (info as { sha?: unknown }).sha;
  return typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

/** Lists a repository's files with their sizes at one revision. */
export async function listRepoFiles(ref: RepoRef, signal: AbortSignal): Promise<RepoListing> {
  const commit = await revisionCommit(ref, signal);
  const base = hubBase(ref.hubUrl);

  const files: ListedFile[] = [];
  let url: string | null =
    `${base}/api/models/${ref.repo}/tree/${encodeURIComponent(commit ?? ref.revision)}?recursive=true`;
  for (let pages = 0; url; pages++) {
    if (pages === MAX_LISTING_PAGES) {
      throw new EngineError('hub-error', `The file listing of “${ref.repo}” goes on for more than ${MAX_LISTING_PAGES} pages; it was not read to the end.`);
    }
    const { body, response } = await fetchHubJson(url, ref, signal);
    if (!Array.isArray(body)) throw notAHub(ref);
    for (const entry of body) {
      if (isTreeEntry(entry) && entry.type === 'file') files.push(toListedFile(entry));
    }
    url = nextPage(response, ref);
  }
  return { commit, files };
}
