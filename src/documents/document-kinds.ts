/** What an attached file is, as far as reading its text goes. */
export const DOCUMENT_KINDS = ['text', 'markdown', 'code', 'csv', 'json', 'html', 'pdf'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const BY_EXTENSION: Record<string, DocumentKind> = {
  txt: 'text', text: 'text', log: 'text', rst: 'text', tex: 'text',
  md: 'markdown', markdown: 'markdown', mdx: 'markdown',
  csv: 'csv', tsv: 'csv',
  json: 'json', jsonl: 'json', ndjson: 'json', geojson: 'json',
  html: 'html', htm: 'html', xhtml: 'html',
  pdf: 'pdf',
};

/** Source code and configuration: read as text, shown to the model as it is. */
const CODE_EXTENSIONS = [
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'py', 'ipynb', 'java', 'kt', 'kts', 'scala', 'c', 'h', 'cc', 'cpp',
  'cxx', 'hpp', 'hh', 'cs', 'go', 'rs', 'rb', 'php', 'swift', 'm', 'mm', 'r', 'jl', 'lua', 'pl', 'pm', 'sh', 'bash', 'zsh',
  'fish', 'ps1', 'bat', 'cmd', 'sql', 'css', 'scss', 'sass', 'less', 'vue', 'svelte', 'xml', 'svg', 'yaml', 'yml', 'toml',
  'ini', 'cfg', 'conf', 'properties', 'env', 'gradle', 'cmake', 'mk', 'dockerfile', 'proto', 'graphql', 'gql', 'hs', 'ex',
  'exs', 'erl', 'clj', 'dart', 'zig', 'nim', 'ml', 'fs', 'vb', 'asm', 's', 'diff', 'patch',
];
for (const extension of CODE_EXTENSIONS) BY_EXTENSION[extension] ??= 'code';

/** Files that are text whatever their extension says, by their whole name. */
const BY_NAME: Record<string, DocumentKind> = { dockerfile: 'code', makefile: 'code', license: 'text', readme: 'text' };

const BY_MIME: Record<string, DocumentKind> = {
  'text/markdown': 'markdown',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/json': 'json',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
};

/**
 * The kind of a file from its name, then its type as the browser reports it; null when neither says what it is (its
 * bytes may still be text or a PDF: see readAttachment).
 */
export function documentKind(name: string, mimeType: string): DocumentKind | null {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  const byName = dot > 0 ? BY_EXTENSION[lower.slice(dot + 1)] : BY_NAME[lower];
  if (byName) return byName;
  const mime = mimeType.split(';', 1)[0].trim().toLowerCase();
  return BY_MIME[mime] ?? (mime.startsWith('text/') ? 'text' : null);
}
