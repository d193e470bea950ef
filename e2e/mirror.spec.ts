import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorRepo } from '../scripts/mirror.mjs';
import { ChatPage, expect, test, TINY_CHAT, tinyChatReference } from './fixtures';
import { startOwnAppServer } from './own-app-server';

test('a folder filled by npm run mirror is served by the app server; its model loads from the app’s own origin only, others from the next hub', async ({ page, hub, requestWatch, watchers }) => {
  const out = await mkdtemp(join(tmpdir(), 'airgap-mirror-'));
  try {
    await mirrorRepo({ repo: TINY_CHAT, dtypes: ['q8'], hubUrl: hub.url, out });
    // The mirror first, the (fake) public hub as the fallback.
    const app = await startOwnAppServer(watchers, { models: out, config: { hubUrls: ['/models', hub.url], catalog: [] } });
    hub.resetStats();
    try {
      const chat = new ChatPage(page);
      await page.goto(app.url);
      await chat.loadModel(TINY_CHAT);
      await chat.waitForLoaded(TINY_CHAT);
      const { reply } = await chat.ask('Hello');
      const expected = await tinyChatReference([{ role: 'user', content: 'Hello' }]);
      expect(reply).toBe(expected.text);

      const appOrigin = new URL(app.url).origin;
      expect(requestWatch.urls.some((url) => url.startsWith(`${app.url}/models/${TINY_CHAT}/resolve/`))).toBe(true);
      expect(requestWatch.urls.filter((url) => new URL(url).origin !== appOrigin), 'requests to any other host').toEqual([]);
      expect(hub.stats.requests, 'the upstream hub was not asked').toEqual([]);

      // A model the mirror lacks comes from the next configured hub.
      await chat.loadModel('airgap-test/tiny-chat-fp32-only');
      await chat.waitForLoaded('airgap-test/tiny-chat-fp32-only');
      expect(hub.stats.requests.some((request) => request.path.endsWith('/onnx/model.onnx'))).toBe(true);
    } finally {
      await app.close();
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
