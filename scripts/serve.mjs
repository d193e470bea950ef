// @ts-check
/**
 * The production server behind `npm start`: the Vite build in `dist/`, cross-origin isolated (so
 * onnxruntime-web may use threads) and under a strict CSP that lets the page talk only to its own
 * origin and the configured model hubs.
 *
 *   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--config <file.json>] [--dist dist]
 */
import http from 'node:http';
import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAppConfig } from './lib/app-config.mjs';
import { isMainModule, parsePort } from './lib/cli.mjs';
import { buildContentSecurityPolicy } from './lib/csp.mjs';
import { sendFile } from './lib/file-response.mjs';
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

/**
 * Vite puts a content hash in every name under assets/, so those never change; anything else
 * (index.html, config.json, the ORT files) must be revalidated to pick up a new deploy.
 * @param {string} relativePath
 */
function cacheControl(relativePath) {
  return relativePath.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * @param {{ dist?: string, port?: number, host?: string, configPath?: string, config?: AppConfig }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startAppServer({ dist = 'dist', port = 8080, host = '127.0.0.1', configPath, config } = {}) {
  const distDir = resolve(dist);
  if (!(await stat(distDir).catch(() => null))?.isDirectory()) throw new Error(`no build at ${distDir}: run the Vite build first`);
  const appConfig = await loadAppConfig({ distDir, configPath, config });
  const securityHeaders = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': buildContentSecurityPolicy(appConfig?.value ?? {}),
  };

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    serveRequest(req, res, distDir, appConfig?.json ?? null).catch(() => {
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
 * @param {string} distDir
 * @param {string | null} configJson served as /config.json when set
 */
async function serveRequest(req, res, distDir, configJson) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(req, res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
  const segments = pathSegments(req.url ?? '');
  if (!segments) return sendText(req, res, 400, 'Bad request');
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
  });
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
      },
    });
    const app = await startAppServer({ dist: values.dist, port: parsePort(values.port), host: values.host, configPath: values.config });
    console.log(`Airgap Chat is at ${app.url}/`);
  } catch (error) {
    console.error(`serve: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
