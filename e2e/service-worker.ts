import type { Page } from '@playwright/test';
import { startAppServer } from '../scripts/serve.mjs';
import type { RequestWatch } from './fixtures';

type AppServer = Awaited<ReturnType<typeof startAppServer>>;

/**
 * An app server of the test's own, for tests that stop it or swap what it serves; its origin is added to the
 * request watcher's allowed list.
 */
export async function startOwnAppServer(
  requestWatch: RequestWatch,
  options: Parameters<typeof startAppServer>[0],
): Promise<AppServer> {
  const app = await startAppServer({ dist: 'dist', port: 0, ...options });
  requestWatch.allowOrigin(new URL(app.url).origin);
  return app;
}

/** Waits until the service worker is active and controls the page (it claims the page on first install). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
}

/** The paths of everything in the page's Cache Storage. */
export function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}
