import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Firefox suite's request watcher: Firefox sends every request through this proxy — the page's, its workers',
 * the service worker's, even those to loopback — so the test sees them all (WebDriver BiDi reports a page's requests,
 * not its workers'). Requests to the allowed origins are passed on; any other is refused and recorded.
 */
export interface RecordingProxy {
  port: number;
  /** Every URL asked for, in order. */
  urls: string[];
  /** The URLs asked for outside the allowed origins. */
  foreign(): string[];
  /** Drops every connection, as a machine without a network would. */
  setOffline(offline: boolean): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive'];

/**
 * Firefox's own remote-settings service, which it asks whatever the preferences say: its tunnel is refused like any
 * other, but it is not the app's request. Nothing else is set aside.
 */
const BROWSER_OWN = new Set(['https://firefox.settings.services.mozilla.com:443']);

export async function startRecordingProxy(allowedOrigins: string[]): Promise<RecordingProxy> {
  const urls: string[] = [];
  let offline = false;
  const isAllowed = (url: string) => URL.canParse(url) && allowedOrigins.includes(new URL(url).origin);

  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    urls.push(url);
    if (offline) return void req.socket.destroy();
    if (!isAllowed(url)) return void res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Refused by the test: not the app or the hub.');
    const target = new URL(url);
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  // https (and wss) arrive as CONNECT tunnels: nothing the app may reach uses them in this test.
  server.on('connect', (req, socket) => {
    urls.push(`https://${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    urls,
    foreign: () => [...new Set(urls.filter((url) => !isAllowed(url) && !BROWSER_OWN.has(url)))],
    setOffline: (value) => void (offline = value),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
