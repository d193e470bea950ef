import { existsSync } from 'node:fs';
import { ChatPage, expect, test } from './fixtures';
import { startOwnAppServer, type AppServer } from './own-app-server';
import { waitForServiceWorker } from './service-worker';

/** The second build (`npm run build:next`): the same app, labelled `next`, as a new deployment would be. */
const NEXT_DIST = '.fixtures/dist-next';

test('a new version is offered, not forced; accepting it reloads into it and keeps the draft', async ({ page, hub, watchers }) => {
  expect(existsSync(NEXT_DIST), `${NEXT_DIST} is missing: run npm run build:next`).toBe(true);
  const config = { hubUrl: hub.url, catalog: [] };
  const first = await startOwnAppServer(watchers, { config });
  const port = Number(new URL(first.url).port);
  const chat = new ChatPage(page);
  let next: AppServer | undefined;
  try {
    await page.goto(first.url);
    await expect(page.getByText('Version 0.1.0', { exact: true })).toBeVisible();
    await waitForServiceWorker(page);
    await chat.message.fill('a half-typed message ✓');

    // Deploy the next build on the same origin.
    await first.close();
    next = await startOwnAppServer(watchers, { dist: NEXT_DIST, port, config });
    // The app checks for a new version whenever the tab becomes visible again (and hourly).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));

    const update = page.getByRole('status', { name: 'Update' });
    await expect(update).toContainText('A new version is available.');
    // Offered, not forced: the page is still the old version, with the draft as typed.
    await expect(page.getByText('Version 0.1.0', { exact: true })).toBeVisible();
    await expect(chat.message).toHaveValue('a half-typed message ✓');

    await update.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByText('Version 0.1.0+next', { exact: true })).toBeVisible();
    await expect(chat.message).toHaveValue('a half-typed message ✓');
    await expect(update).toHaveCount(0);
  } finally {
    await first.close();
    await next?.close();
  }
});
