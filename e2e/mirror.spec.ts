import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorRepo } from '../scripts/mirror.mjs';
import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { ChatPage, expect, HUB_ROOT, test, TINY_CHAT } from './fixtures';
import { startOwnAppServer } from './service-worker';

test('a folder filled by npm run mirror is served by the app server, and the model loads from the app’s own origin only', async ({ page, hub, requestWatch }) => {
  const out = await mkdtemp(join(tmpdir(), 'airgap-mirror-'));
  try {
    await mirrorRepo({ repo: TINY_CHAT, dtypes: ['q8'], hubUrl: hub.url, out });
    const app = await startOwnAppServer(requestWatch, { models: out, config: { hubUrl: '/models', catalog: [] } });
    hub.resetStats();
    try {
      const chat = new ChatPage(page);
      await page.goto(app.url);
      await chat.loadModel(TINY_CHAT);
      await chat.waitForLoaded(TINY_CHAT);
      const { reply } = await chat.ask('Hello');
      const expected = await referenceReply({ root: HUB_ROOT, repo: TINY_CHAT, dtype: 'q8', messages: [{ role: 'user', content: 'Hello' }] });
      expect(reply).toBe(expected.text);

      const appOrigin = new URL(app.url).origin;
      expect(requestWatch.urls.some((url) => url.startsWith(`${app.url}/models/${TINY_CHAT}/resolve/`))).toBe(true);
      expect(requestWatch.urls.filter((url) => new URL(url).origin !== appOrigin), 'requests to any other host').toEqual([]);
      expect(hub.stats.requests, 'the upstream hub was not asked').toEqual([]);
    } finally {
      await app.close();
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
