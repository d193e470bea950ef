import * as z from 'zod/mini';
import { DTYPES, isRepoId, type Dtype } from '../shared/protocol';

export interface CatalogEntry {
  /** Hugging Face repository id. */
  id: string;
  label: string;
  description?: string;
  /** Download size per dtype, shown until the hub reports the exact figures. */
  sizes?: Partial<Record<Dtype, number>>;
}

export interface AppConfig {
  /** The preferred hub: the first of `hubUrls`. */
  hubUrl: string;
  /** Every configured hub, in order of preference (e.g. the organisation's mirror, then the public Hub); loading tries them in turn. */
  hubUrls: string[];
  defaultModel: string | null;
  catalog: CatalogEntry[];
  /** Size of the chunks downloads are stored in; unset uses the worker's default (32 MiB). */
  downloadChunkBytes?: number;
  /** Seconds a download may receive nothing before its connection is dropped and tried again; unset: 30. */
  downloadStallSeconds?: number;
  /**
   * The most memory a model and its conversation may take in a tab on WASM; unset: WebAssembly's 4 GiB. Lower it for
   * machines with little memory: a model that does not fit is refused before it is downloaded.
   */
  modelMemoryBytes?: number;
  /**
   * The sentence-embedding model that finds the passages of attached files that mean what the question asks (with
   * keyword match), loaded from the hubs like a chat model and kept in the model store; null: keyword match only.
   */
  embeddingModel: string | null;
  /** The only models that may be loaded (ids, or `owner/*` for all of an owner's); null allows any. */
  allowedModels: string[] | null;
  /** Origins whose pages may embed the app and talk to it with postMessage. */
  embedOrigins: string[];
  /**
   * Whether the chats an embedding page starts are stored, listed and exported with the user's own; when false they
   * last only as long as the app is open.
   */
  keepEmbedChats: boolean;
  /**
   * Whether an embedding page may load a model that is not stored yet, a download of up to gigabytes, when
   * `allowedModels` does not already vet what may be loaded.
   */
  embedMayDownload: boolean;
  /** Shown in the header and the tab. */
  title: string;
  /** `#rrggbb` for buttons and focus rings; null keeps the built-in colours. */
  accentColor: string | null;
}

export const DEFAULT_CONFIG: AppConfig = {
  hubUrl: 'https://huggingface.co',
  hubUrls: ['https://huggingface.co'],
  defaultModel: null,
  catalog: [],
  // Small (118 MB quantized), 50+ languages, and needs no "query:"/"passage:" prefixes.
  embeddingModel: 'Xenova/paraphrase-multilingual-MiniLM-L12-v2',
  allowedModels: null,
  embedOrigins: [],
  keepEmbedChats: false,
  embedMayDownload: false,
  title: 'Airgap Chat',
  accentColor: null,
};

export interface ConfigResult {
  config: AppConfig;
  /** What was wrong with config.json, in words for the person running the app; empty when all was well. */
  problems: string[];
}

/**
 * Plain `http:` only for this machine: on a network, whoever sits between could swap a hub's weights together with
 * the hashes it lists, or pose as an embedding host.
 */
function isSecureOrLoopback(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname);
}

/**
 * An absolute https URL (http only on loopback), or a path on the app's own origin (`/models`, `./models`: a mirror
 * there), made absolute against `baseUrl`; null for anything else — also `//host`, which a browser reads as another
 * host and the server as a path.
 */
function toHubUrl(value: string, baseUrl: string | undefined): string | null {
  if (value === '' || value.startsWith('//')) return null;
  const relative = value.startsWith('/') || value.startsWith('.');
  if (relative && !baseUrl) return null;
  try {
    const url = relative ? new URL(value, baseUrl) : new URL(value);
    if (!relative && !isSecureOrLoopback(url)) return null;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/** `https://host[:port]` exactly: what `MessageEvent.origin` and CSP's frame-ancestors compare with. */
function toOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    const isBare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return isSecureOrLoopback(url) && isBare && value.replace(/\/$/, '') === url.origin
      ? url.origin
      : null;
  } catch {
    return null;
  }
}

/** A model id, or `owner/*` for all of an owner's models. */
function isModelPattern(value: string): boolean {
  return isRepoId(value.endsWith('/*') ? `${value.slice(0, -2)}/x` : value);
}

/** Whether the deployment lets this model be loaded. */
export function isModelAllowed(config: Pick<AppConfig, 'allowedModels'>, repo: string): boolean {
  if (config.allowedModels === null) return true;
  const owner = repo.split('/')[0];
  return config.allowedModels.some((allowed) => allowed === repo || allowed === `${owner}/*`);
}

/** A text that `read` turns into the value the app uses; `read` gives null for what it refuses, which then is no string. */
function textReadBy(read: (text: string) => string | null) {
  return z.pipe(z.pipe(z.string(), z.transform(read)), z.string());
}

const hubUrlSchema = (baseUrl: string | undefined) => textReadBy((text) => toHubUrl(text, baseUrl));
const ORIGIN = textReadBy(toOrigin);
const REPO_ID = z.string().check(z.refine(isRepoId));
const MODEL_PATTERN = z.string().check(z.refine(isModelPattern));

const LIST = z.array(z.unknown());

/**
 * Reads a list leniently: the entries `entry` accepts are kept, the others dropped. `complete` is false when one was
 * dropped or `value` is no list at all, for the caller to report.
 */
function readList<T>(value: unknown, entry: z.ZodMiniType<T>): { entries: T[]; complete: boolean } {
  const list = LIST.safeParse(value);
  if (!list.success) return { entries: [], complete: false };
  const results = list.data.map((item) => entry.safeParse(item));
  return {
    entries: results.flatMap((result) => (result.success ? [result.data] : [])),
    complete: results.every((result) => result.success),
  };
}

/** A dtype the engine knows and its download size in bytes. */
const DOWNLOAD_SIZE = z.tuple([z.enum(DTYPES), z.number().check(z.positive())]);
/** The sizes are only shown until the hub reports its own, so a pair that is not one is dropped without a word. */
const SIZES = z.pipe(
  z.record(z.string(), z.unknown()),
  z.transform((sizes): CatalogEntry['sizes'] => Object.fromEntries(readList(Object.entries(sizes), DOWNLOAD_SIZE).entries)),
);

/** A field the entry does without: a value that is not its kind counts as unset. */
const unsetIfBad = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/** Only the id is required: the entry still shows (labelled by its id) when the rest is missing or unreadable. */
const CATALOG_ENTRY = z.pipe(
  z.object({
    id: REPO_ID,
    label: unsetIfBad(z.string().check(z.minLength(1))),
    description: unsetIfBad(z.string()),
    sizes: unsetIfBad(SIZES),
  }),
  z.transform(({ id, label, description, sizes }): CatalogEntry => ({ id, label: label ?? id, description, sizes })),
);

/** The settings that are one value each: what each accepts, and what its problem says when it is something else. */
const SCALAR_FIELDS = {
  keepEmbedChats: { schema: z.boolean(), problem: 'must be true or false' },
  embedMayDownload: { schema: z.boolean(), problem: 'must be true or false' },
  title: {
    schema: z.pipe(z.string().check(z.maxLength(80)), z.transform((title) => title.trim())).check(z.minLength(1)),
    problem: 'must be a text of 1 to 80 characters',
  },
  // Only #rrggbb: the value goes into a CSS custom property, and nothing else may ride along.
  accentColor: { schema: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/)), problem: 'must be a colour like #1f5f8b' },
  downloadChunkBytes: { schema: z.int().check(z.gte(16_384)), problem: 'must be a whole number of bytes, at least 16384' },
  downloadStallSeconds: { schema: z.number().check(z.gte(1)), problem: 'must be a number of seconds, at least 1' },
  modelMemoryBytes: { schema: z.int().check(z.gte(2 ** 26)), problem: 'must be a whole number of bytes, at least 67108864 (64 MiB)' },
} satisfies Partial<Record<keyof AppConfig, { schema: z.ZodMiniType; problem: string }>>;
type ScalarField = keyof typeof SCALAR_FIELDS;

/**
 * Reads config.json leniently: every bad field is reported and replaced by its safe default. `baseUrl` (the page's
 * URL) resolves hub URLs relative to the app's origin.
 */
export function parseConfig(json: unknown, baseUrl?: string): ConfigResult {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { config: DEFAULT_CONFIG, problems: ['config.json is not a JSON object; using the defaults.'] };
  }
  const source = json as Record<string, unknown>;
  const config: AppConfig = { ...DEFAULT_CONFIG };
  const hubUrl = hubUrlSchema(baseUrl);
  const hubs: string[] = [];
  if (source.hubUrl !== undefined) {
    const hub = hubUrl.safeParse(source.hubUrl);
    if (hub.success) hubs.push(hub.data);
    else problems.push('config.json: hubUrl must be an https URL (http only on this machine) or a path on this server; it was ignored.');
  }
  if (source.hubUrls !== undefined) {
    const listed = readList(source.hubUrls, hubUrl);
    if (!listed.complete) problems.push('config.json: hubUrls must list https URLs (http only on this machine) or paths on this server; bad entries were ignored.');
    for (const hub of listed.entries) if (!hubs.includes(hub)) hubs.push(hub);
  }
  if (hubs.length > 0) config.hubUrls = hubs;
  config.hubUrl = config.hubUrls[0];
  if (source.allowedModels !== undefined) {
    const listed = readList(source.allowedModels, MODEL_PATTERN);
    if (!listed.complete) {
      // Failing closed: an allow-list that cannot be read must not open the app to every model.
      problems.push('config.json: allowedModels must list model ids (owner/name or owner/*); unreadable entries allow nothing.');
    }
    config.allowedModels = listed.entries;
  }
  if (source.catalog !== undefined) {
    if (LIST.safeParse(source.catalog).success) {
      const listed = readList(source.catalog, CATALOG_ENTRY);
      if (!listed.complete) problems.push('config.json: catalog entries without an id (owner/name) were skipped.');
      config.catalog = listed.entries.filter((entry) => isModelAllowed(config, entry.id));
      if (config.catalog.length < listed.entries.length) problems.push('config.json: catalog entries not in allowedModels were left out.');
    } else {
      problems.push('config.json: catalog must be a list; it was ignored.');
    }
  }
  if (source.defaultModel !== undefined) {
    const model = REPO_ID.safeParse(source.defaultModel);
    if (!model.success) {
      problems.push('config.json: defaultModel must be a model id (owner/name); it was ignored.');
    } else if (!isModelAllowed(config, model.data)) {
      problems.push('config.json: defaultModel is not in allowedModels; it was ignored.');
    } else {
      config.defaultModel = model.data;
    }
  }
  if (source.embeddingModel !== undefined) {
    const model = z.nullable(REPO_ID).safeParse(source.embeddingModel);
    if (model.success) config.embeddingModel = model.data;
    else problems.push('config.json: embeddingModel must be a model id (owner/name) or null; it was ignored.');
  }
  if (source.embedOrigins !== undefined) {
    const listed = readList(source.embedOrigins, ORIGIN);
    if (!listed.complete) problems.push('config.json: embedOrigins must list https origins such as https://intranet.example (http only on this machine); bad entries were ignored.');
    config.embedOrigins = listed.entries;
  }
  for (const [key, { schema, problem }] of Object.entries(SCALAR_FIELDS) as [ScalarField, (typeof SCALAR_FIELDS)[ScalarField]][]) {
    if (source[key] === undefined) continue;
    const parsed = schema.safeParse(source[key]);
    if (parsed.success) Object.assign(config, { [key]: parsed.data });
    else problems.push(`config.json: ${key} ${problem}; it was ignored.`);
  }
  return { config, problems };
}

export async function loadConfig(url = './config.json'): Promise<ConfigResult> {
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.status === 404) return { config: DEFAULT_CONFIG, problems: [] };
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return parseConfig(await response.json(), document.baseURI);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { config: DEFAULT_CONFIG, problems: [`config.json could not be read (${reason}); using the defaults.`] };
  }
}
