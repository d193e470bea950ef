import { exportFileOf, linearConversation } from './export-files';
import { ChatPage, expect, test, TINY_CHAT, tinyChatReference } from './fixtures';
import { startOwnAppServer } from './own-app-server';
import { cachedPaths, waitForServiceWorker } from './service-worker';

test('after one visit the app opens with the server stopped and chats with the stored model', async ({ page, hub, watchers }) => {
  test.setTimeout(180_000);
  const app = await startOwnAppServer(watchers, { config: { hubUrl: hub.url, title: 'Offline Chat', catalog: [] } });
  const chat = new ChatPage(page);
  let ortFiles: string[] = [];
  try {
    await page.goto(app.url);
    await expect(page.getByRole('heading', { name: 'Offline Chat' })).toBeVisible();
    await waitForServiceWorker(page);
    // The first visit also downloads a model into the model store.
    await chat.loadModel(TINY_CHAT);
    await chat.waitForLoaded(TINY_CHAT);
    const cached = await cachedPaths(page);
    expect(cached).toContain('/index.html');
    ortFiles = cached.filter((path) => /ort-wasm-simd-threaded.*\.(wasm|mjs)$/.test(path));
    // onnxruntime's plain build for WASM and its asyncify build for WebGPU, each a .wasm and its .mjs.
    expect(ortFiles, 'both ORT builds are precached').toHaveLength(4);
    expect(cached).toContain('/config.json');
    expect(cached.filter((path) => /\.onnx|tokenizer/.test(path)), 'never model files in the service worker').toEqual([]);
  } finally {
    await app.close();
  }
  hub.setFaults({ offline: true });
  try {
    await page.reload();
    // The deployment's config.json came from the cache too: its title, and its hub in the message below.
    await expect(page.getByRole('heading', { name: 'Offline Chat' })).toBeVisible();
    await expect(chat.alerts).toHaveCount(0);
    // The server is gone, yet the engine's onnxruntime-web files still load (from the service worker).
    const statuses = await page.evaluate((paths) => Promise.all(paths.map(async (path) => (await fetch(path)).status)), ortFiles);
    expect(statuses).toEqual(ortFiles.map(() => 200));

    // The stored model loads and answers, exactly as transformers.js in Node does.
    const hubRequestsBefore = hub.stats.requests.length;
    await chat.showPlainText();
    await chat.loadModel(TINY_CHAT);
    await chat.waitForLoaded(TINY_CHAT);
    const { reply } = await chat.ask('Hello');
    const expected = await tinyChatReference([{ role: 'user', content: 'Hello' }]);
    expect(reply).toBe(expected.text);
    expect(hub.stats.requests.length, 'the stored model needs no hub').toBe(hubRequestsBefore);

    // A model that was never stored cannot load offline, and the app says why.
    await chat.loadModel('airgap-test/tiny-chat-fp32-only');
    await expect(chat.alerts).toContainText(`Could not reach the model hub at ${hub.url}`);
    await expect(chat.loadButton).toBeEnabled();
    await chat.message.fill('typed while offline');
    await expect(chat.message).toHaveValue('typed while offline');

    // What the page loads only when first needed comes from the service worker too: the import schema, the Markdown
    // renderer with highlighting, KaTeX and its fonts.
    await chat.openSettings();
    await page.getByRole('checkbox', { name: 'Show replies as Markdown' }).check();
    await chat.importConversations(exportFileOf(linearConversation('offline', 'Offline Markdown', ['Show me', '```js\nconst a = 1;\n```\n\n$$x^2$$'])));
    const rendered = chat.assistantMessages().last();
    await expect(rendered.locator('.hljs-keyword')).toHaveText('const');
    await expect(rendered.locator('.katex')).toBeVisible();
    const katexFontStatus = () =>
      page.evaluate(() => {
        const statuses: string[] = [];
        document.fonts.forEach((font) => font.family === 'KaTeX_Main' && statuses.push(font.status));
        return statuses;
      });
    await expect.poll(katexFontStatus).toContain('loaded');

    // The embed layout is the same page with a query: it opens offline too.
    await page.goto(`${app.url}/?embed=1&model=${TINY_CHAT}`);
    await expect(chat.modelId).toHaveValue(TINY_CHAT);
    await expect(page.getByRole('complementary', { name: 'Model and settings' })).toHaveCount(0);
  } finally {
    hub.setFaults({});
  }
});
