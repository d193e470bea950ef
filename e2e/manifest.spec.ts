import { chromium } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test as base } from './fixtures';
import { waitForServiceWorker } from './service-worker';

/**
 * Chromium never offers to install an app from an incognito profile, and Playwright's contexts are incognito; this
 * file runs in a throwaway persistent profile instead (same browser, same flags, same watchers).
 */
const test = base.extend({
  context: async ({ launchOptions }, use) => {
    const profile = await mkdtemp(join(tmpdir(), 'airgap-profile-'));
    const context = await chromium.launchPersistentContext(profile, launchOptions);
    await use(context);
    await context.close();
    await rm(profile, { recursive: true, force: true });
  },
});

interface InstallabilityError {
  errorId: string;
  errorArguments: { name: string; value: string }[];
}

test('the web manifest is valid, its icons resolve, and Chromium finds the app installable', async ({ chat, context, page, app }) => {
  await waitForServiceWorker(page);
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
  expect(manifest.url).toBe(`${app.url}/manifest.webmanifest`);
  expect(manifest.errors).toEqual([]);
  const data = JSON.parse(manifest.data ?? '{}') as { display: string; icons: { src: string; sizes: string; purpose: string }[] };
  expect(data.display).toBe('standalone');
  expect(data.icons.filter((icon) => icon.purpose === 'maskable')).toHaveLength(1);
  for (const icon of data.icons) {
    const response = await page.request.get(new URL(icon.src, manifest.url).href);
    expect(response.status(), icon.src).toBe(200);
  }

  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: InstallabilityError[] };
  expect(installabilityErrors).toEqual([]);
  await expect(chat.modelId).toBeVisible();
});
