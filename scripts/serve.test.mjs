// @ts-check
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildContentSecurityPolicy } from './lib/csp.mjs';
import { startAppServer } from './serve.mjs';

const INDEX = '<!doctype html><title>Airgap Chat</title><script type="module" src="/assets/index-abc123.js"></script>\n';
const WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const BUILT_CONFIG = { hubUrl: 'https://hub.example.test/mirror/' };

/** @type {string} */
let tmp;
/** @type {string} */
let dist;
/** @type {Awaited<ReturnType<typeof startAppServer>>} */
let app;

/**
 * @param {string} base
 * @param {Record<string, Buffer | string>} files
 */
async function writeFiles(base, files) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), content);
  }
}

/**
 * Starts a server for one test and always stops it.
 * @param {Parameters<typeof startAppServer>[0]} options
 * @param {(url: string) => Promise<void>} use
 */
async function withServer(options, use) {
  const server = await startAppServer({ dist, port: 0, ...options });
  try {
    await use(server.url);
  } finally {
    await server.close();
  }
}

/** @param {string} url */
const connectSrc = async (url) => (await fetch(`${url}/`)).headers.get('content-security-policy')?.match(/connect-src ([^;]*)/)?.[1];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'serve-'));
  dist = join(tmp, 'dist');
  await writeFiles(dist, {
    'index.html': INDEX,
    'assets/index-abc123.js': 'console.log("hi");\n',
    'assets/index-abc123.css': 'body{}\n',
    'assets/ort-wasm-simd-threaded.jsep-abc123.wasm': WASM,
    'ort/ort-wasm-simd-threaded.jsep.mjs': 'export {};\n',
    'worker.js': 'self.onmessage = () => {};\n',
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'icon.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    'favicon.ico': Buffer.from([0, 0, 1, 0]),
    'manifest.webmanifest': '{"name":"Airgap Chat"}',
    'robots.txt': 'User-agent: *\n',
    'sw.js': 'self.addEventListener("fetch", () => {});\n',
    'airgap-chat.js': 'customElements.define("airgap-chat", class extends HTMLElement {});\n',
    'config.json': JSON.stringify(BUILT_CONFIG),
  });
  app = await startAppServer({ dist, port: 0 });
});

afterAll(async () => {
  await app.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('static files', () => {
  test('every response is cross-origin isolated and under the CSP, 404s included', async () => {
    for (const path of ['/', '/assets/index-abc123.js', '/assets/ort-wasm-simd-threaded.jsep-abc123.wasm', '/worker.js', '/nope.js', '/config.json']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self' 'wasm-unsafe-eval'");
    }
  });

  test('/ is index.html; unknown paths are 404, not the index', async () => {
    const index = await fetch(`${app.url}/`);
    expect(await index.text()).toBe(INDEX);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    for (const path of ['/chat/42', '/index.htm']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('Airgap Chat');
    }
  });

  test('MIME types and caching follow the file', async () => {
    const expected = {
      '/index.html': ['text/html; charset=utf-8', 'no-cache'],
      '/assets/index-abc123.js': ['text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
      '/assets/index-abc123.css': ['text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
      '/assets/ort-wasm-simd-threaded.jsep-abc123.wasm': ['application/wasm', 'public, max-age=31536000, immutable'],
      '/ort/ort-wasm-simd-threaded.jsep.mjs': ['text/javascript; charset=utf-8', 'no-cache'],
      '/icon.svg': ['image/svg+xml', 'no-cache'],
      '/icon.png': ['image/png', 'no-cache'],
      '/favicon.ico': ['image/x-icon', 'no-cache'],
      '/manifest.webmanifest': ['application/manifest+json', 'no-cache'],
      '/robots.txt': ['text/plain; charset=utf-8', 'no-cache'],
      '/sw.js': ['text/javascript; charset=utf-8', 'no-cache, max-age=0'],
      '/config.json': ['application/json; charset=utf-8', 'no-cache'],
    };
    for (const [path, [type, cache]] of Object.entries(expected)) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('cache-control'), path).toBe(cache);
    }
    const wasm = await fetch(`${app.url}/assets/ort-wasm-simd-threaded.jsep-abc123.wasm`);
    expect(Buffer.from(await wasm.arrayBuffer()).equals(WASM)).toBe(true);
  });

  test('HEAD and Range work; other methods and traversal do not', async () => {
    const head = await fetch(`${app.url}/index.html`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(INDEX.length));
    expect(await head.text()).toBe('');
    const part = await fetch(`${app.url}/index.html`, { headers: { Range: 'bytes=2-8' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe(INDEX.slice(2, 9));
    expect((await fetch(`${app.url}/`, { method: 'POST' })).status).toBe(405);

    const { hostname, port } = new URL(app.url);
    for (const path of ['/../serve-secret.txt', '/assets/%2e%2e/%2e%2e/x', '/assets%2f..%2f..%2fx', '//index.html', '/assets//x.js', '/assets/']) {
      const status = await new Promise((resolve, reject) => {
        http.get({ hostname, port, path }, (res) => resolve(res.resume().statusCode)).on('error', reject);
      });
      expect(status, path).toBe(400);
    }
  });
});

describe('config and CSP', () => {
  test('dist/config.json is served and sets connect-src', async () => {
    expect(await (await fetch(`${app.url}/config.json`)).json()).toEqual(BUILT_CONFIG);
    expect(await connectSrc(app.url)).toBe("'self' https://hub.example.test");
  });

  test('a config file or object overrides dist/config.json', async () => {
    const file = join(tmp, 'intranet.json');
    await writeFile(file, JSON.stringify({ hubUrl: 'https://10.1.2.3:8090', defaultModel: 'airgap-test/tiny-chat' }));
    await withServer({ configPath: file }, async (url) => {
      expect((await (await fetch(`${url}/config.json`)).json()).hubUrl).toBe('https://10.1.2.3:8090');
      expect(await connectSrc(url)).toBe("'self' https://10.1.2.3:8090");
      // An empty path segment once skipped the override and served the build's config.json.
      const { hostname, port } = new URL(url);
      const status = await new Promise((resolve, reject) => {
        http.get({ hostname, port, path: '//config.json' }, (res) => resolve(res.resume().statusCode)).on('error', reject);
      });
      expect(status).toBe(400);
    });
    const config = { hubUrl: 'http://127.0.0.1:8090', hubUrls: ['https://mirror.example.test/hf', 'http://127.0.0.1:8090/'] };
    await withServer({ config }, async (url) => {
      expect(await (await fetch(`${url}/config.json`)).json()).toEqual(config);
      expect(await connectSrc(url)).toBe("'self' http://127.0.0.1:8090 https://mirror.example.test");
    });
  });

  test('without any config, /config.json is 404 and the CSP allows the public Hub', async () => {
    const bare = join(tmp, 'bare');
    await writeFiles(bare, { 'index.html': INDEX });
    await withServer({ dist: bare }, async (url) => {
      expect((await fetch(`${url}/config.json`)).status).toBe(404);
      expect(await connectSrc(url)).toBe("'self' https://huggingface.co https://*.hf.co https://*.huggingface.co");
    });
  });

  test('a config that is not JSON, or names a non-http hub, stops the server from starting', async () => {
    const broken = join(tmp, 'broken.json');
    await writeFile(broken, '{ hubUrl: oops');
    await expect(startAppServer({ dist, port: 0, configPath: broken })).rejects.toThrow(/broken\.json is not valid JSON/);
    await expect(startAppServer({ dist, port: 0, config: { hubUrl: 'file:///models' } })).rejects.toThrow(/absolute https URL/);
    await expect(startAppServer({ dist, port: 0, config: { hubUrls: ['http://hub.intranet.example'] } })).rejects.toThrow(/must use https/);
    await expect(startAppServer({ dist, port: 0, config: { embedOrigins: ['http://intranet.example'] } })).rejects.toThrow(/must use https/);

    const cli = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0', '--dist', dist, '--config', broken], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (chunk) => { stderr += chunk; });
    const code = await new Promise((resolve) => cli.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/broken\.json is not valid JSON/);
  });

  test('the CLI prints where the app is', async () => {
    const cli = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0', '--dist', dist], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise((resolve) => cli.stdout.once('data', (chunk) => resolve(String(chunk).trim())));
      expect(line).toMatch(/^Airgap Chat is at http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(line.replace('Airgap Chat is at ', ''))).status).toBe(200);
    } finally {
      cli.kill();
    }
  });

  test('embed origins may frame the app: frame-ancestors, and pages a COEP host can embed', async () => {
    const config = { hubUrl: '/models', embedOrigins: ['https://intranet.example', 'http://localhost:8081'] };
    await withServer({ config }, async (url) => {
      const page = await fetch(`${url}/`);
      expect(page.headers.get('content-security-policy')).toContain('frame-ancestors https://intranet.example http://localhost:8081');
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self';");
      expect(page.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect((await fetch(`${url}/assets/index-abc123.js`)).headers.get('cross-origin-resource-policy')).toBe('same-origin');
    });
    // Not embeddable: the page stays same-origin only.
    expect((await fetch(`${app.url}/`)).headers.get('cross-origin-resource-policy')).toBe('same-origin');
    await expect(startAppServer({ dist, port: 0, config: { embedOrigins: ['https://intranet.example/path'] } })).rejects.toThrow(/bare origin/);
    await expect(startAppServer({ dist, port: 0, config: { embedOrigins: ["'self' https://*"] } })).rejects.toThrow(/embed origin/);
  });

  test('the loader script is for other origins’ pages', async () => {
    const loader = await fetch(`${app.url}/airgap-chat.js`);
    expect(loader.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(loader.headers.get('access-control-allow-origin')).toBe('*');
    expect(loader.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test('buildContentSecurityPolicy keeps origins only and refuses other schemes', () => {
    expect(buildContentSecurityPolicy({})).toBe([
      "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
      "connect-src 'self' https://huggingface.co https://*.hf.co https://*.huggingface.co", "img-src 'self' data: blob:", "style-src 'self'",
      "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].join('; '));
    expect(buildContentSecurityPolicy({ hubUrl: 'HTTPS://User:pw@Hub.Example.TEST:8443/a/b?c#d', hubUrls: ['http://[::1]:8090/x'] }))
      .toContain("connect-src 'self' https://hub.example.test:8443 http://[::1]:8090;");
    // A mirror on our own origin, then the public Hub as a fallback.
    expect(buildContentSecurityPolicy({ hubUrls: ['/models', 'https://huggingface.co'] }))
      .toContain("connect-src 'self' https://huggingface.co https://*.hf.co https://*.huggingface.co;");
    expect(buildContentSecurityPolicy({ hubUrl: './models' })).toContain("connect-src 'self';");
    expect(buildContentSecurityPolicy({ hubUrls: ['http://localhost:8090', 'http://127.0.0.2', 'http://hub.localhost'] }))
      .toContain("connect-src 'self' http://localhost:8090 http://127.0.0.2 http://hub.localhost;");
    for (const hubUrl of ['javascript:alert(1)', 'ftp://hub.example.test', 'hub.example.test', 'https://a;b.example.test', '', 'http://10.1.2.3', 'http://127.0.0.1.example.test', '//hub.example.test']) {
      expect(() => buildContentSecurityPolicy({ hubUrl }), hubUrl).toThrow();
    }
  });
});
