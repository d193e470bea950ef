// @ts-check
/**
 * A loopback stand-in for the Hugging Face Hub: the same URLs, headers and error codes, served from
 * `<root>/<org>/<name>/<files…>`, with faults a download manager must survive.
 *
 *   node scripts/fake-hub.mjs --root .fixtures/hub [--port 8090] [--host 127.0.0.1]
 */
import { once } from 'node:events';
import http from 'node:http';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { isMainModule, parsePort } from './lib/cli.mjs';
import { fileResponseFraming, streamFileSpan } from './lib/file-response.mjs';
import { FaultPlan, corruptBytes, throttle } from './lib/hub-faults.mjs';
import { createRepoStore } from './lib/hub-repos.mjs';
import { createHubStats } from './lib/hub-stats.mjs';
import { answerHubRequest, hubErrorResponse, repoFileHeaders } from './lib/hub-routes.mjs';
import { closeServer, listen } from './lib/http-server.mjs';
import { pathSegments } from './lib/url-path.mjs';

/** @typedef {import('./lib/hub-faults.mjs').HubFaults} HubFaults */
/** @typedef {import('./lib/hub-stats.mjs').HubStats} HubStats */
/** @typedef {import('./lib/hub-repos.mjs').Repo} Repo */
/** @typedef {import('./lib/hub-repos.mjs').RepoFile} RepoFile */
/** @typedef {ReturnType<typeof createReply>} Reply */

/** How long a cut connection stays silent after its last byte before it closes. */
const STALL_BEFORE_CUT_MS = 300;

/** The app runs on another origin and must read these headers, so they are exposed to it. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': [
    'Content-Length', 'Content-Range', 'ETag', 'X-Repo-Commit', 'X-Linked-Etag', 'X-Linked-Size',
    'Accept-Ranges', 'X-Error-Code', 'X-Error-Message',
  ].join(', '),
  // The app page is cross-origin isolated (COEP), so it may only embed what opts in.
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Range, Content-Type, Authorization, If-None-Match',
  'Access-Control-Max-Age': '600',
};

/** What a captive portal or a mistyped hub URL answers with. */
const PORTAL_PAGE = '<!doctype html>\n<html><head><title>Network sign-in</title></head><body><p>Sign in to continue.</p></body></html>\n';

/**
 * @param {{ root: string, port?: number, host?: string, faults?: HubFaults }} options
 */
export async function startFakeHub({ root, port = 0, host = '127.0.0.1', faults = {} }) {
  const rootDir = resolve(root);
  if (!(await stat(rootDir).catch(() => null))?.isDirectory()) throw new Error(`fake hub root ${rootDir} is not a folder`);
  const repos = createRepoStore(rootDir);
  await repos.warm();
  let plan = new FaultPlan(faults);
  const stats = createHubStats();

  const server = http.createServer((req, res) => handleRequest(req, res, { repos, plan, stats }));
  server.on('connection', (socket) => {
    if (plan.faults.offline) socket.destroy();
  });
  const url = await listen(server, port, host);

  return {
    /** Base URL without a trailing slash, usable as transformers.js' `env.remoteHost`. */
    url,
    close: () => closeServer(server),
    /** Replaces all faults and restarts their counters. @param {HubFaults} next */
    setFaults(next) {
      plan = new FaultPlan(next);
    },
    /** @returns {HubStats} */
    get stats() {
      return stats.current;
    },
    resetStats() {
      stats.reset();
    },
  };
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {{ repos: ReturnType<typeof createRepoStore>, plan: FaultPlan, stats: ReturnType<typeof createHubStats> }} context
 */
function handleRequest(req, res, { repos, plan, stats }) {
  // Also covers keep-alive connections opened before `offline` was set.
  if (plan.faults.offline) {
    req.socket.destroy();
    return;
  }
  const reply = createReply(req, res, stats.begin(req));
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  answer(req, res, reply, repos, plan).catch((error) => {
    if (res.headersSent) res.destroy();
    else reply.json(500, { error: `Internal Error: ${error.message}` });
  });
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {Reply} reply
 * @param {ReturnType<typeof createRepoStore>} repos
 * @param {FaultPlan} plan
 */
async function answer(req, res, reply, repos, plan) {
  if (req.method === 'OPTIONS') {
    reply.head(204, PREFLIGHT_HEADERS);
    res.end();
    return;
  }
  if (plan.faults.html) return reply.text(200, 'text/html; charset=utf-8', PORTAL_PAGE);
  if (plan.nextRequestFails()) return reply.json(500, { error: 'Internal Error' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply.json(405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD, OPTIONS' });

  const segments = pathSegments(req.url ?? '');
  if (!segments) return reply.json(400, { error: 'Invalid path' });
  const hubAnswer = await answerHubRequest(repos, segments, new URLSearchParams((req.url ?? '').split('?')[1]));
  switch (hubAnswer.type) {
    case 'json':
      return reply.json(hubAnswer.status, hubAnswer.body);
    case 'text':
      return reply.text(200, 'text/plain; charset=utf-8', hubAnswer.body, hubAnswer.headers);
    case 'error': {
      const { body, headers } = hubErrorResponse(hubAnswer);
      return reply.json(hubAnswer.status, body, headers);
    }
    case 'file':
      return sendRepoFile(req, res, reply, hubAnswer.repo, hubAnswer.file, plan);
  }
}

/**
 * Sends a repo file with the Hub's headers, applying the per-response faults.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {Reply} reply
 * @param {Repo} repo
 * @param {RepoFile} file
 * @param {FaultPlan} plan
 */
async function sendRepoFile(req, res, reply, repo, file, plan) {
  const { faults } = plan;
  const { status, span, headers } = fileResponseFraming(faults.ignoreRange ? undefined : req.headers.range, file.size);
  reply.head(status, { ...repoFileHeaders(repo, file), ...headers });
  if (req.method === 'HEAD' || status === 416) {
    res.end();
    return;
  }

  /** @type {import('./lib/file-response.mjs').BodyStage[]} */
  const stages = [];
  if (faults.corrupt && file.lfs) stages.push(corruptBytes);
  if (faults.bytesPerSecond) stages.push(throttle(faults.bytesPerSecond));
  stages.push(reply.countBytes);

  const cutAt = plan.cutPoint(`${repo.id}/${file.path}`, span.end - span.start + 1);
  if (cutAt === undefined) {
    await streamFileSpan(res, file.absPath, span, { stages });
    return;
  }
  res.flushHeaders(); // a cut at 0 bytes still sends the headers
  await streamFileSpan(res, file.absPath, { start: span.start, end: span.start + cutAt - 1 }, { stages, endResponse: false });
  if (faults.hangAtCut) {
    if (!res.destroyed) await once(res, 'close');
    return;
  }
  // Real connections stall before they drop. Closing at once would let Chromium discard bytes it had received but
  // not yet handed to the page's stream (erroring a stream empties its queue), so what the page keeps would depend on
  // how busy the machine is.
  await sleep(STALL_BEFORE_CUT_MS);
  // end(), not destroy(): what is still buffered reaches the client, then the connection closes mid-body.
  res.socket?.end();
}

/**
 * Response helpers that keep the request's stats record up to date.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {ReturnType<ReturnType<typeof createHubStats>['begin']>} tracker
 */
function createReply(req, res, tracker) {
  /**
   * @param {number} status
   * @param {Record<string, string>} headers
   */
  function head(status, headers) {
    res.writeHead(status, headers);
    tracker.setStatus(status);
  }

  /**
   * @param {number} status
   * @param {string} contentType
   * @param {string} body
   * @param {Record<string, string>} [headers]
   */
  function text(status, contentType, body, headers = {}) {
    const bytes = Buffer.from(body);
    head(status, { 'Content-Type': contentType, 'Content-Length': String(bytes.length), ...headers });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    tracker.addBytes(bytes.length);
    res.end(bytes);
  }

  /**
   * @param {number} status
   * @param {unknown} value
   * @param {Record<string, string>} [headers]
   */
  function json(status, value, headers) {
    text(status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
  }

  return {
    head,
    text,
    json,
    /** @type {import('./lib/file-response.mjs').BodyStage} */
    async *countBytes(source) {
      for await (const chunk of source) {
        tracker.addBytes(chunk.length);
        yield chunk;
      }
    },
  };
}

if (isMainModule(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: { root: { type: 'string' }, port: { type: 'string', default: '8090' }, host: { type: 'string', default: '127.0.0.1' } },
    });
    if (!values.root) throw new Error('--root <folder of <org>/<name> repos> is required');
    const hub = await startFakeHub({ root: values.root, port: parsePort(values.port), host: values.host });
    console.log(hub.url);
  } catch (error) {
    console.error(`fake-hub: ${/** @type {Error} */ (error).message}`);
    console.error('usage: node scripts/fake-hub.mjs --root .fixtures/hub [--port 8090] [--host 127.0.0.1]');
    process.exit(1);
  }
}
