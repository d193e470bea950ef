import { expect, test, TINY_CHAT, tinyChatReference, type Watchers } from './fixtures';
import { startHostPageServer } from './host-page-server';
import { startOwnAppServer } from './own-app-server';

type Host = Awaited<ReturnType<typeof startHostPageServer>>;

/** The app, configured to be embedded by `allowed` only, and to load the tiny chat model only. */
async function startEmbeddableApp(watchers: Watchers, hubUrl: string, allowed: Host) {
  watchers.requestWatch.allowOrigin(allowed.origin);
  return startOwnAppServer(watchers, {
    config: { hubUrl, embedOrigins: [allowed.origin], allowedModels: [TINY_CHAT], catalog: [] },
  });
}

const hello = [{ role: 'user' as const, content: 'Hello' }];

test('<airgap-chat> on a cross-origin-isolated intranet page: load, ask, stream the reply, threads allowed', async ({ page, hub, watchers }) => {
  const host = await startHostPageServer({ isolated: true });
  const app = await startEmbeddableApp(watchers, hub.url, host);
  try {
    await page.goto(`${host.origin}/element?app=${encodeURIComponent(app.url)}&model=${TINY_CHAT}`);
    const result = await page.evaluate(async () => {
      type Chat = HTMLElement & {
        ready: Promise<void>;
        load(): Promise<{ model: string; backend: string }>;
        ask(text: string, onDelta: (text: string) => void): Promise<{ text: string; stopped: boolean }>;
      };
      const chat = document.querySelector('airgap-chat') as Chat;
      await chat.ready;
      const loaded = await chat.load();
      const deltas: string[] = [];
      const reply = await chat.ask('Hello', (delta) => deltas.push(delta));
      return { loaded, reply, streamed: deltas.join(''), deltaCount: deltas.length };
    });
    const expected = await tinyChatReference(hello);
    expect(result.reply).toEqual({ text: expected.text, stopped: false });
    expect(result.streamed).toBe(expected.text);
    expect(result.deltaCount).toBeGreaterThan(1);
    expect(result.loaded.model).toBe(TINY_CHAT);
    // The host is cross-origin isolated and allows it, so the frame is too: onnxruntime-web runs threaded.
    expect(result.loaded.backend).toMatch(/^WASM · q8 · [2-9] threads$/);

    // The question and the reply show in the embedded chat, whose compact layout has no side panel.
    const frame = page.frameLocator('airgap-chat iframe');
    await expect(frame.locator('[data-message-role="assistant"] .content')).toHaveText(expected.text);
    await expect(frame.getByRole('complementary', { name: 'Model and settings' })).toHaveCount(0);
    await expect(frame.getByRole('button', { name: 'Send' })).toBeVisible();
  } finally {
    await app.close();
    await host.close();
  }
});

test('an embedding page may not start a model download unless the deployment allows it', async ({ page, hub, requestWatch, watchers }) => {
  const host = await startHostPageServer({ isolated: true });
  watchers.requestWatch.allowOrigin(host.origin);
  // No allowedModels to vet what a host loads, and embedMayDownload left off.
  const app = await startOwnAppServer(watchers, { config: { hubUrl: hub.url, embedOrigins: [host.origin], catalog: [] } });
  try {
    await page.goto(`${host.origin}/element?app=${encodeURIComponent(app.url)}&model=${TINY_CHAT}`);
    const failure = await page.evaluate(async () => {
      const chat = document.querySelector('airgap-chat') as HTMLElement & { ready: Promise<void>; load(): Promise<unknown> };
      await chat.ready;
      return chat.load().then(
        () => null,
        (error: Error & { code: string }) => ({ code: error.code, message: error.message }),
      );
    });
    expect(failure).toEqual({
      code: 'load-failed',
      message: `“${TINY_CHAT}” is not stored in this browser, and this page may not download models. Open Airgap Chat on its own and load the model there once; this page can then use it.`,
    });
    expect(requestWatch.urls.filter((url) => url.includes('/resolve/')), 'no file of the model was requested').toEqual([]);
  } finally {
    await app.close();
    await host.close();
  }
});

test('a plain iframe and postMessage: status, system prompt, load, ask; a page on another origin gets nothing', async ({ page, hub, requestWatch, watchers }) => {
  const host = await startHostPageServer();
  const stranger = await startHostPageServer();
  requestWatch.allowOrigin(stranger.origin);
  const app = await startEmbeddableApp(watchers, hub.url, host);
  try {
    await page.goto(`${host.origin}/blank`);
    const appOrigin = new URL(app.url).origin;
    const embedUrl = `${app.url}/?embed=1&model=${TINY_CHAT}`;
    const answers = await page.evaluate(async ({ target, src }) => {
      const received: Record<string, unknown>[] = [];
      let onMessage = () => {};
      const iframe = document.createElement('iframe');
      window.addEventListener('message', (event) => {
        if (event.origin !== target || event.source !== iframe.contentWindow || event.data?.channel !== 'airgap-chat') return;
        received.push(event.data);
        onMessage();
      });
      iframe.src = src;
      document.body.append(iframe);
      const frame = iframe.contentWindow!;
      const until = (test: (message: Record<string, unknown>) => boolean) =>
        new Promise<Record<string, unknown>>((resolve) => {
          onMessage = () => {
            const found = received.find(test);
            if (found) resolve(found);
          };
          onMessage();
        });
      const ask = (message: Record<string, unknown>) => {
        frame.postMessage({ channel: 'airgap-chat', ...message }, target);
        return until((answer) => answer.id === message.id && answer.type !== 'delta');
      };
      await until((message) => message.type === 'ready');
      const before = await ask({ type: 'status', id: 'status-1' });
      const notLoaded = await ask({ type: 'ask', id: 'early', text: 'Hello' });
      const notAllowed = await ask({ type: 'load', id: 'other', model: 'someone/else' });
      const prompt = await ask({ type: 'set-system-prompt', id: 'prompt', prompt: 'You are terse.' });
      const loaded = await ask({ type: 'load', id: 'load' });
      const reply = await ask({ type: 'ask', id: 7, text: 'Hello' });
      const streamed = received.filter((message) => message.id === 7 && message.type === 'delta').map((message) => message.text).join('');
      return { before, notLoaded, notAllowed, prompt, loaded, reply, streamed };
    }, { target: appOrigin, src: embedUrl });

    expect(answers.before).toMatchObject({ type: 'status', status: { model: null, loadStatus: 'idle', generating: false } });
    expect(answers.notLoaded).toMatchObject({ type: 'error', code: 'not-loaded' });
    expect(answers.notAllowed).toMatchObject({ type: 'error', code: 'model-not-allowed' });
    expect(answers.prompt).toMatchObject({ type: 'ok' });
    // Without cross-origin isolation on the host page the frame has none either: one WASM thread.
    expect(answers.loaded).toMatchObject({ type: 'loaded', model: TINY_CHAT, backend: 'WASM · q8 · 1 thread' });
    const expected = await tinyChatReference([{ role: 'system', content: 'You are terse.' }, ...hello]);
    expect(answers.reply).toMatchObject({ type: 'reply', text: expected.text, stopped: false });
    expect(answers.streamed).toBe(expected.text);
    // The app is on another site than the host, and this browser blocks third-party storage: IndexedDB is refused,
    // so models and chats live in memory, and the frame says so.
    await expect(page.frameLocator('iframe').getByRole('status', { name: 'Storage', exact: true })).toContainText(
      'downloaded models and chats last only until this tab closes',
    );

    // A page on an origin the config does not list cannot frame the app (frame-ancestors), so nothing answers it.
    const reportsBefore = watchers.cspReports.length;
    await page.goto(`${stranger.origin}/blank`);
    const strangerHeard = await page.evaluate(async (src) => {
      const heard: unknown[] = [];
      window.addEventListener('message', (event) => heard.push(event.data));
      const iframe = document.createElement('iframe');
      iframe.src = src;
      document.body.append(iframe);
      await new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
      for (const type of ['status', 'ask']) iframe.contentWindow!.postMessage({ channel: 'airgap-chat', type, id: type, text: 'Hello' }, '*');
      // The allowed host above had its first answers within a fraction of this.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      return heard;
    }, embedUrl);
    expect(strangerHeard).toEqual([]);
    expect(page.frames().map((frame) => frame.url()), 'the browser refused to render the app in the frame').toContain('chrome-error://chromewebdata/');
    await expect
      .poll(() => watchers.cspReports.slice(reportsBefore), { message: 'the refusal was a frame-ancestors violation' })
      .toEqual([`frame-ancestors blocked ${app.url}/ in ${app.url}/`]);
    // That violation is the point of this part; take it back so the CSP watcher does not fail the test for it.
    watchers.cspReports.length = reportsBefore;
  } finally {
    await app.close();
    await host.close();
    await stranger.close();
  }
});

test('the full app in a frame of another site: storage refused, models and chats kept in memory, and it says so', async ({ page, hub, watchers }) => {
  const host = await startHostPageServer();
  const app = await startEmbeddableApp(watchers, hub.url, host);
  try {
    await page.goto(`${host.origin}/blank`);
    await page.evaluate((src) => {
      const iframe = document.createElement('iframe');
      iframe.src = src;
      iframe.title = 'Airgap Chat';
      iframe.style.cssText = 'width: 70rem; height: 50rem';
      document.body.append(iframe);
    }, `${app.url}/`);
    const frame = page.frameLocator('iframe');
    await expect(frame.getByRole('status', { name: 'Storage', exact: true })).toContainText(
      'downloaded models and chats last only until this tab closes',
    );

    await frame.getByLabel('Hugging Face model id').fill(TINY_CHAT);
    await frame.getByRole('button', { name: 'Load model' }).click();
    await expect(frame.getByText(new RegExp(`^Loaded ${TINY_CHAT} on `))).toBeVisible({ timeout: 90_000 });
    const stored = frame.getByRole('region', { name: 'Stored models' });
    await expect(stored.getByRole('listitem')).toHaveText([new RegExp(`^${TINY_CHAT} · q8.* · complete · `)]);
    await expect(frame.getByRole('status', { name: 'Storage use' })).toHaveText(/^Kept in memory for this visit only/);

    await frame.getByRole('textbox', { name: 'Message' }).fill('Hello');
    await frame.getByRole('button', { name: 'Send' }).click();
    const expected = await tinyChatReference(hello);
    await expect(frame.locator('[data-message-role="assistant"] .content')).toHaveText(expected.text);
    await expect(frame.getByRole('alert')).toHaveCount(0);

    await stored.getByRole('button', { name: `Delete ${TINY_CHAT} (q8)` }).click();
    await expect(stored.getByText('No models are stored yet.', { exact: false })).toBeVisible();
  } finally {
    await app.close();
    await host.close();
  }
});
