// @ts-check
/**
 * The production server behind `npm start`: the Vite build in `dist/`, cross-origin isolated (so
 * onnxruntime-web may use threads) and under a strict CSP that lets the page talk only to its own
 * origin and the configured model hubs. With `--models <dir>` it also serves a model mirror (as
 * `npm run mirror` writes it: `<dir>/<org>/<name>/<files…>`) in the Hub's URL layout under `/models`,
 * so a config with `"hubUrl": "/models"` loads every model from the app's own origin.
 *
 *   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--config <file.json>] [--dist dist] [--models <dir>]
 */
import http from 'node:http';
import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAppConfig } from './lib/app-config.mjs';
import { isMainModule, parsePort } from './lib/cli.mjs';
import { buildContentSecurityPolicy } from './lib/csp.mjs';
import { sendFile } from './lib/file-response.mjs';
import { answerHubRequest, hubErrorResponse, repoFileHeaders } from './lib/hub-routes.mjs';
import { createRepoStore } from './lib/hub-repos.mjs';
import { closeServer, listen } from './lib/http-server.mjs';
import { pathSegments } from './lib/url-path.mjs';

/** @typedef {import('./lib/app-config.mjs').AppConfig} AppConfig */

/** @type {Record<string, string>} */
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where `--models` mounts the mirror: `<app>/models/api/models/…`, `<app>/models/{org}/{name}/resolve/…`. */
const MODELS_PREFIX = 'models';
/** The loader script host pages include from another origin (see src/embed/airgap-chat-element.ts). */
const EMBED_LOADER = 'airgap-chat.js';

/**
 * Vite puts a content hash in every name under assets/, so those never change; anything else
 * (index.html, config.json) must be revalidated to pick up a new deploy. The service worker script above
 * all: browsers compare it byte for byte to find a new version, and a cached copy would hide one.
 * @param {string} relativePath
 */
function cacheControl(relativePath) {
  if (relativePath === 'sw.js') return 'no-cache, max-age=0';
  return relativePath.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Headers that differ from the defaults for some files: pages may be framed by the configured embed origins (a
 * host page with COEP of its own can only frame a document that allows cross-origin embedding), and the loader
 * script is for other origins' pages by design.
 * @param {string} relativePath
 * @param {boolean} embeddable
 * @returns {Record<string, string>}
 */
function crossOriginHeaders(relativePath, embeddable) {
  if (relativePath === EMBED_LOADER) return { 'Cross-Origin-Resource-Policy': 'cross-origin', 'Access-Control-Allow-Origin': '*' };
  if (embeddable && relativePath.endsWith('.html')) return { 'Cross-Origin-Resource-Policy': 'cross-origin' };
  return {};
}

/** Where the browser reports CSP violations when `onCspViolation` is given (tests only; users' browsers report nothing). */
const CSP_REPORT_PATH = '/__csp-report';

/**
 * @param {{ dist?: string, port?: number, host?: string, configPath?: string, config?: AppConfig, models?: string,
 *   onCspViolation?: (report: unknown) => void }} [options] `onCspViolation` adds a `report-uri` to the CSP and
 *   receives each report; it catches violations inside workers and the service worker, which no page can observe
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startAppServer({ dist = 'dist', port = 8080, host = '127.0.0.1', configPath, config, models, onCspViolation } = {}) {
  const distDir = resolve(dist);
  if (!(await stat(distDir).catch(() => null))?.isDirectory()) throw new Error(`no build at ${distDir}: run the Vite build first`);
  const appConfig = await loadAppConfig({ distDir, configPath, config });
  const mirror = models === undefined ? null : await openMirror(models);
  const site = {
    distDir,
    configJson: appConfig?.json ?? null,
    mirror,
    embeddable: (appConfig?.value.embedOrigins ?? []).length > 0,
  };
  const securityHeaders = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': [buildContentSecurityPolicy(appConfig?.value ?? {}), ...(onCspViolation ? [`report-uri ${CSP_REPORT_PATH}`] : [])].join('; '),
  };

  const server = http.createServer((req, res) => {
    if (onCspViolation && req.method === 'POST' && req.url === CSP_REPORT_PATH) {
      receiveCspReport(req, res, onCspViolation);
      return;
    }
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    serveRequest(req, res, site).catch(() => {
      if (res.headersSent) res.destroy();
      else sendText(req, res, 500, 'Internal server error');
    });
  });
  const url = await listen(server, port, host);
  return { url, close: () => closeServer(server) };
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {(report: unknown) => void} onReport
 */
function receiveCspReport(req, res, onReport) {
  /** @type {Buffer[]} */
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    const text = Buffer.concat(parts).toString('utf8');
    try {
      onReport(JSON.parse(text));
    } catch {
      onReport(text);
    }
    res.writeHead(204).end();
  });
}

/**
 * @param {string} dir
 * @returns {Promise<ReturnType<typeof createRepoStore>>}
 */
async function openMirror(dir) {
  const root = resolve(dir);
  if (!(await stat(root).catch(() => null))?.isDirectory()) throw new Error(`--models ${root} is not a folder`);
  const repos = createRepoStore(root);
  await repos.warm();
  return repos;
}

/**
 * @typedef {{ distDir: string, configJson: string | null, mirror: ReturnType<typeof createRepoStore> | null, embeddable: boolean }} Site
 * `configJson` is served as /config.json when set; `mirror` under /models when set.
 */

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {Site} site
 */
async function serveRequest(req, res, { distDir, configJson, mirror, embeddable }) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(req, res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
  const segments = pathSegments(req.url ?? '');
  if (!segments) return sendText(req, res, 400, 'Bad request');
  if (mirror && segments[0] === MODELS_PREFIX) return serveMirror(req, res, mirror, segments.slice(1));
  const relativePath = segments.join('/') || 'index.html';

  if (relativePath === 'config.json' && configJson !== null) {
    return sendText(req, res, 200, configJson, { 'Content-Type': MIME_TYPES['.json'] });
  }
  const filePath = join(distDir, relativePath);
  const info = await stat(filePath).catch(() => null);
  // No fallback to index.html: the app has one page, and a wrong path should fail loudly.
  if (!info?.isFile()) return sendText(req, res, 404, 'Not found');
  await sendFile(req, res, filePath, info.size, {
    'Content-Type': MIME_TYPES[extname(relativePath)] ?? 'application/octet-stream',
    'Cache-Control': cacheControl(relativePath),
    ...crossOriginHeaders(relativePath, embeddable),
  });
}

/**
 * Answers the Hub's model URLs from the mirror folder, with the Hub's headers.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {ReturnType<typeof createRepoStore>} mirror
 * @param {string[]} segments the path below /models
 */
async function serveMirror(req, res, mirror, segments) {
  const answer = await answerHubRequest(mirror, segments, new URLSearchParams((req.url ?? '').split('?')[1]));
  switch (answer.type) {
    case 'json':
      return sendText(req, res, answer.status, JSON.stringify(answer.body), { 'Content-Type': MIME_TYPES['.json'] });
    case 'text':
      return sendText(req, res, 200, answer.body, answer.headers);
    case 'error': {
      const { body, headers } = hubErrorResponse(answer);
      return sendText(req, res, answer.status, JSON.stringify(body), { 'Content-Type': MIME_TYPES['.json'], ...headers });
    }
    case 'file':
      return sendFile(req, res, answer.file.absPath, answer.file.size, { ...repoFileHeaders(answer.repo, answer.file), 'Cache-Control': 'no-cache' });
  }
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} body
 * @param {Record<string, string>} [headers]
 */
function sendText(req, res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-cache',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

if (isMainModule(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        config: { type: 'string' },
        dist: { type: 'string', default: 'dist' },
        models: { type: 'string' },
      },
    });
    const app = await startAppServer({
      dist: values.dist, port: parsePort(values.port), host: values.host, configPath: values.config, models: values.models,
    });
    console.log(`Airgap Chat is at ${app.url}/`);
    if (values.models) console.log(`Model mirror at ${app.url}/${MODELS_PREFIX} (use "hubUrl": "/${MODELS_PREFIX}" in config.json)`);
  } catch (error) {
    console.error(`serve: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
