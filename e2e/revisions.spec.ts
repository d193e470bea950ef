import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeHub } from '../scripts/fake-hub.mjs';
import { ChatPage, expect, HUB_ROOT, test, TINY_CHAT } from './fixtures';
import { startOwnAppServer } from './own-app-server';

test('Stored models asks the hub for a newer revision only on request, and downloads it next to the stored one', async ({
  page,
  watchers,
}) => {
  // A hub of its own over a copy of the repository, so the test can publish a new commit of it.
  const root = await mkdtemp(path.join(tmpdir(), 'airgap-revisions-'));
  await cp(path.join(HUB_ROOT, TINY_CHAT), path.join(root, TINY_CHAT), { recursive: true });
  const hub = await startFakeHub({ root });
  watchers.requestWatch.allowOrigin(new URL(hub.url).origin);
  const app = await startOwnAppServer(watchers, { config: { hubUrl: hub.url, catalog: [] } });
  const chat = new ChatPage(page);
  try {
    await page.goto(app.url);
    await chat.loadModel(TINY_CHAT);
    await chat.waitForLoaded(TINY_CHAT);
    const stored = page.getByRole('region', { name: 'Stored models' }).getByRole('listitem');
    await expect(stored).toHaveCount(1);
    const firstCommit = (await stored.textContent())!.match(/main @ ([0-9a-f]{7})/)![1];

    const requestsBefore = hub.stats.requests.length;
    await page.reload();
    await chat.loadModel(TINY_CHAT);
    await chat.waitForLoaded(TINY_CHAT);
    expect(hub.stats.requests.length, 'loading a stored model asks the hub nothing').toBe(requestsBefore);

    const check = page.getByRole('button', { name: `Check ${TINY_CHAT} (q8) for a newer revision` });
    await check.click();
    await expect(stored).toContainText('This is the newest revision.');

    await writeFile(path.join(root, TINY_CHAT, 'README.md'), '# A new revision\n');
    await check.click();
    await expect(stored).toContainText(/A newer revision is on the hub \([0-9a-f]{7}\)\./);
    const requestsBeforeUpdate = hub.stats.requests.length;
    await page.getByRole('button', { name: 'Download the newer revision' }).click();
    await chat.waitForLoaded(TINY_CHAT);
    expect(
      hub.stats.requests.slice(requestsBeforeUpdate).filter((request) => request.path.includes('/resolve/')),
      'only the README changed, so every file the app needs is copied from the stored revision, none downloaded',
    ).toEqual([]);
    await expect(stored).toHaveCount(2);
    const commits = (await stored.allTextContents()).map((text) => text.match(/main @ ([0-9a-f]{7})/)![1]);
    expect(commits).toContain(firstCommit);
    expect(new Set(commits).size, 'the old revision stays until it is deleted').toBe(2);
    const { reply } = await chat.ask('Hello');
    expect(reply.length).toBeGreaterThan(0);
  } finally {
    await app.close();
    await hub.close();
    await rm(root, { recursive: true, force: true });
  }
});
