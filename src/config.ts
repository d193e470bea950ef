import { isDtype, type Dtype } from '../workers/protocol';

export interface CatalogEntry {
  /** Hugging Face repository id. */
  id: string;
  label: string;
  description?: string;
  /** Download size per dtype, shown until the hub reports the exact figures. */
  sizes?: Partial<Record<Dtype, number>>;
}

export interface AppConfig {
  hubUrl: string;
  defaultModel: string | null;
  catalog: CatalogEntry[];
  /** Size of the chunks downloads are stored in; unset uses the worker's default (32 MiB). */
  downloadChunkBytes?: number;
}

export const DEFAULT_CONFIG: AppConfig = {
  hubUrl: 'https://huggingface.co',
  defaultModel: null,
  catalog: [],
};

export interface ConfigResult {
  config: AppConfig;
  /** What was wrong with config.json, in words for the person running the app; empty when all was well. */
  problems: string[];
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function parseSizes(value: unknown): CatalogEntry['sizes'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const sizes: Partial<Record<Dtype, number>> = {};
  for (const [dtype, bytes] of Object.entries(value)) {
    if (isDtype(dtype) && typeof bytes === 'number' && bytes > 0) sizes[dtype] = bytes;
  }
  return sizes;
}

function parseCatalogEntry(value: unknown): CatalogEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Record<string, unknown>;
  if (typeof entry.id !== 'string' || !entry.id.includes('/')) return null;
  return {
    id: entry.id,
    label: typeof entry.label === 'string' && entry.label ? entry.label : entry.id,
    description: typeof entry.description === 'string' ? entry.description : undefined,
    sizes: parseSizes(entry.sizes),
  };
}

/** Reads config.json leniently: every bad field is reported and replaced by its safe default. */
export function parseConfig(json: unknown): ConfigResult {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { config: DEFAULT_CONFIG, problems: ['config.json is not a JSON object; using the defaults.'] };
  }
  const source = json as Record<string, unknown>;
  const config: AppConfig = { ...DEFAULT_CONFIG };
  if (source.hubUrl !== undefined) {
    if (isHttpUrl(source.hubUrl)) config.hubUrl = source.hubUrl.replace(/\/+$/, '');
    else problems.push(`config.json: hubUrl must be an http(s) URL; using ${DEFAULT_CONFIG.hubUrl}.`);
  }
  if (source.catalog !== undefined) {
    if (Array.isArray(source.catalog)) {
      const entries = source.catalog.map(parseCatalogEntry);
      if (entries.some((entry) => entry === null)) problems.push('config.json: catalog entries without an id (owner/name) were skipped.');
      config.catalog = entries.filter((entry): entry is CatalogEntry => entry !== null);
    } else {
      problems.push('config.json: catalog must be a list; it was ignored.');
    }
  }
  if (source.defaultModel !== undefined) {
    if (typeof source.defaultModel === 'string' && source.defaultModel.includes('/')) config.defaultModel = source.defaultModel;
    else problems.push('config.json: defaultModel must be a model id (owner/name); it was ignored.');
  }
  if (source.downloadChunkBytes !== undefined) {
    const bytes = source.downloadChunkBytes;
    if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes >= 16_384) config.downloadChunkBytes = bytes;
    else problems.push('config.json: downloadChunkBytes must be a whole number of bytes, at least 16384; it was ignored.');
  }
  return { config, problems };
}

export async function loadConfig(url = './config.json'): Promise<ConfigResult> {
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.status === 404) return { config: DEFAULT_CONFIG, problems: [] };
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return parseConfig(await response.json());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { config: DEFAULT_CONFIG, problems: [`config.json could not be read (${reason}); using the defaults.`] };
  }
}
