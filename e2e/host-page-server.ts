import http from 'node:http';
import { closeServer, listen } from '../scripts/lib/http-server.mjs';

/**
 * A stand-in for an intranet page that embeds the app, on its own loopback origin (`http://localhost:<port>`, a
 * different site from the app's `127.0.0.1`). `/element?app=…&model=…` uses the loader script and `<airgap-chat>`;
 * `/blank` is an empty page where a test adds a plain iframe itself, after it started listening for messages. `isolated: true` sends COOP/COEP, as a host that wants WASM threads must.
 */
export async function startHostPageServer({ isolated = false }: { isolated?: boolean } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const app = url.searchParams.get('app') ?? '';
    const model = url.searchParams.get('model') ?? '';
    const pages: Record<string, string> = {
      '/element': `<script src="${app}/airgap-chat.js"></script>
<airgap-chat src="${app}/" model="${model}" style="display:block;height:40rem"></airgap-chat>`,
      '/blank': '',
    };
    const body = pages[url.pathname];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      ...(isolated && { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }),
    });
    res.end(`<!doctype html><html lang="en"><title>Intranet</title><h1>Intranet</h1>${body}</html>`);
  });
  const url = await listen(server, 0, '127.0.0.1');
  return { origin: url.replace('127.0.0.1', 'localhost'), close: () => closeServer(server) };
}
