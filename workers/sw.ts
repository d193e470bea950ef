/// <reference lib="webworker" />
/**
 * The service worker: serves the app shell and the onnxruntime-web files from a precache so the app opens with the
 * network gone. It never touches model weights (those requests pass straight through) and never activates a new
 * version on its own: the page asks for that when the person accepts the update (SKIP_WAITING).
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

/** What workbox-window's `messageSkipWaiting()` sends when the person accepts the update. */
const SKIP_WAITING = 'SKIP_WAITING';
const SHELL_CACHE = 'airgap-shell';
const CONFIG_CACHE = 'airgap-config';
/** Long enough for a slow intranet, short enough that a dead-but-connected network does not hang the app. */
const NETWORK_TIMEOUT_SECONDS = 5;

const configUrl = new URL('config.json', self.registration.scope).href;

/**
 * Pages and config.json come from the network whenever it answers, so a new deployment's headers (its CSP) and
 * configuration apply at once; the cached copies are only for when it does not.
 */
const shellPage = new NetworkFirst({
  cacheName: SHELL_CACHE,
  networkTimeoutSeconds: NETWORK_TIMEOUT_SECONDS,
  plugins: [
    {
      // `?embed=1&model=…` and the plain page are the same document.
      cacheKeyWillBeUsed: async ({ request }) => new URL(request.url).origin + new URL(request.url).pathname,
      // Never visited online since this worker was installed: the precached copy.
      handlerDidError: async () => matchPrecache('index.html'),
    },
  ],
});
// The page itself, with any query (`?embed=1`); other navigations (a file opened in a tab) are left alone.
registerRoute(new NavigationRoute(shellPage, { allowlist: [/\/(index\.html)?(\?.*)?$/] }));
registerRoute(({ url }) => url.href === configUrl, new NetworkFirst({ cacheName: CONFIG_CACHE, networkTimeoutSeconds: NETWORK_TIMEOUT_SECONDS }));

/**
 * onnxruntime's WebAssembly is served by the HTTP cache (the server marks it immutable) whenever it answers, and from
 * the precache only when it does not: Chromium keeps V8's optimised code for a response passed through from the
 * network, keyed by its URL, so a new tab's first reply runs on it instead of on baseline code. Measured (Qwen2.5-0.5B
 * shape, 2 cores): V8 stores the module in every session (`wasm.SerializeModule` in a trace), and a new tab's first
 * reply took 0.47–0.57 s to its first token, against 0.72–0.88 s with V8's caching turned off.
 */
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.endsWith('.wasm'),
  async ({ request }) => {
    const response = await fetch(request).catch(() => null);
    if (response?.ok) return response;
    return (await matchPrecache(request.url)) ?? response ?? Response.error();
  },
);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Take charge of the page that installed this worker, so it is covered (and can be offered updates) at once.
clientsClaim();

/** The page read config.json before this worker existed; keep a copy so the app is configured when offline. */
async function keepConfig(): Promise<void> {
  const response = await fetch(configUrl, { cache: 'no-cache' }).catch(() => null);
  if (response?.ok) await (await caches.open(CONFIG_CACHE)).put(configUrl, response);
}

self.addEventListener('install', (event) => event.waitUntil(keepConfig()));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});
