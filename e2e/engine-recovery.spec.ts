import type { Page } from '@playwright/test';
import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { expect, HUB_ROOT, test, TINY_CHAT, tinyChatReference, type ChatPage, type RequestWatch } from './fixtures';

const PROMPT = 'Write a long story';
/**
 * Long enough that the harm lands mid-reply: the tiny model writes about 400 tokens a second, and a 300-token reply
 * once ended before the harm reached the worker (it then hung idle, and nothing was left to interrupt).
 */
const MAX_NEW_TOKENS = 1500;

/** Starts a long reply and, once some of it is on screen, does `harm` to the engine's worker. */
async function harmMidReply(chat: ChatPage, harm: string) {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.showPlainText();
  await chat.useGreedySampling(MAX_NEW_TOKENS);
  const worker = await chat.engineWorker();
  await chat.message.fill(PROMPT);
  await chat.sendButton.click();
  const reply = chat.assistantMessages().last();
  await expect(reply.locator('.content')).toHaveText(/.{20}/s);
  // Not awaited: a worker that closes or spins never answers the evaluation.
  void worker.evaluate(harm).catch(() => {});
  return { reply, harmedAt: Date.now() };
}

/** The reply keeps what arrived as interrupted, the model comes back from the store, and Retry writes the reference. */
async function expectRecovery(chat: ChatPage, page: Page, requestWatch: RequestWatch, hubUrl: string, harmedAt: number, boundMs: number) {
  const hubRequestsBefore = requestWatch.urls.filter((url) => url.startsWith(hubUrl)).length;
  const interrupted = chat.assistantMessages().last();
  await expect(interrupted.getByText(/^Interrupted/)).toBeVisible({ timeout: boundMs });
  const detectedMs = Date.now() - harmedAt;
  const kept = (await interrupted.locator('.content').textContent()) ?? '';
  const expected = await tinyChatReference([{ role: 'user', content: PROMPT }], 'q8', MAX_NEW_TOKENS);
  expect(kept.length).toBeGreaterThanOrEqual(20);
  expect(expected.text.startsWith(kept), 'what had arrived is kept as it was').toBe(true);
  await expect(chat.alerts.filter({ hasText: `Your chats are kept; ${TINY_CHAT} is being loaded again from storage.` })).toBeVisible();
  await chat.waitForLoaded(TINY_CHAT);
  await expect(chat.backend).toHaveText(/^WASM · q8/);

  await interrupted.getByRole('button', { name: 'Retry' }).click();
  const retried = chat.assistantMessages().last();
  await expect(retried).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  await expect(retried.locator('.content')).toHaveText(expected.text, { useInnerText: true });
  expect(requestWatch.urls.filter((url) => url.startsWith(hubUrl)).length, 'requests to the hub after the engine stopped').toBe(hubRequestsBefore);
  return detectedMs;
}

test('an engine worker that dies mid-reply is replaced: the reply is kept as interrupted, the model reloads from the store, Retry gives the reference', async ({
  chat,
  page,
  requestWatch,
  hub,
}) => {
  const { harmedAt } = await harmMidReply(chat, 'self.close()');
  const detectedMs = await expectRecovery(chat, page, requestWatch, hub.url, harmedAt, 30_000);
  console.log(`[figures] worker closed mid-reply: noticed after ${(detectedMs / 1000).toFixed(1)} s`);
});

test('an engine worker that hangs mid-reply is noticed within the heartbeat bound and recovered the same way', async ({ chat, page, requestWatch, hub }) => {
  const { harmedAt } = await harmMidReply(chat, 'for (;;) {}');
  // The bound: 15 s of silence, checked every second, and the check's own delay on a busy machine.
  const detectedMs = await expectRecovery(chat, page, requestWatch, hub.url, harmedAt, 25_000);
  console.log(`[figures] worker hung mid-reply: noticed after ${(detectedMs / 1000).toFixed(1)} s`);
});

test('a chat template that loops only on longer chats: the engine is noticed stuck in it, the message blames the template, the model reloads, and a new chat answers', async ({
  chat,
  page,
}) => {
  const repo = 'airgap-test/template-loops-late';
  // A four-message trial at load passes it.
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  await chat.ask('One');
  await chat.ask('Two');
  // Five messages: the template spins in the engine's worker before any of the reply's prompt is read.
  await chat.message.fill('Three');
  await chat.sendButton.click();
  const stuckAt = Date.now();
  const interrupted = chat.assistantMessages().last();
  await expect(interrupted.getByText(/^Interrupted/)).toBeVisible({ timeout: 25_000 });
  console.log(`[figures] engine stuck in a chat template: noticed after ${((Date.now() - stuckAt) / 1000).toFixed(1)} s`);
  await expect(interrupted.locator('.content')).toHaveText('');
  await expect(
    chat.alerts.filter({
      hasText: `It stopped while putting this conversation into ${repo}'s chat template, which seems not to finish on it. Your chats are kept; the model is being loaded again from storage. Start a new chat, or delete earlier messages of this one`,
    }),
  ).toBeVisible();
  await chat.waitForLoaded(repo);

  await page.getByRole('button', { name: 'New chat' }).click();
  const expected = await referenceReply({ root: HUB_ROOT, repo, dtype: 'q8', messages: [{ role: 'user', content: 'Hello' }], maxNewTokens: 32 });
  expect((await chat.ask('Hello')).reply).toBe(expected.text);
});

test('a page frozen for longer than the heartbeat allows (a sleeping laptop, a frozen tab) keeps its engine and its model', async ({ chat, page }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.showPlainText();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await new Promise((resolve) => setTimeout(resolve, 20_000));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  // Several watchdog checks after the thaw.
  await page.waitForTimeout(3000);
  await expect(chat.alerts).toHaveCount(0);
  await expect(chat.backend).toHaveText(/^WASM · q8/);
  const expected = await tinyChatReference([{ role: 'user', content: 'Hello' }]);
  expect((await chat.ask('Hello')).reply).toBe(expected.text);
});

test('a tab the browser discarded comes back with the chat it had open, its draft, and its model loaded from the store', async ({
  chat,
  page,
  requestWatch,
  hub,
}) => {
  await chat.loadForComparison(TINY_CHAT);
  await chat.ask('Hello');
  await page.getByRole('button', { name: 'New chat' }).click();
  await chat.ask('Second chat');
  await page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: 'Hello', exact: true }).click();
  await chat.message.fill('half a thought');

  // Headless Chromium has no tab strip, so it cannot discard a page; what a discarded tab's reload tells the page is
  // what the browser sets then: `document.wasDiscarded`.
  await page.addInitScript(() => Object.defineProperty(Document.prototype, 'wasDiscarded', { configurable: true, get: () => true }));
  const hubRequestsBefore = requestWatch.urls.filter((url) => url.startsWith(hub.url)).length;
  await page.reload();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Hello']);
  await expect(chat.message).toHaveValue('half a thought');
  await chat.waitForLoaded(TINY_CHAT);
  await expect(chat.backend).toHaveText(/^WASM · q8/);
  await chat.showPlainText();
  const expected = await tinyChatReference([
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: (await tinyChatReference([{ role: 'user', content: 'Hello' }])).text },
    { role: 'user', content: 'half a thought' },
  ]);
  await chat.sendButton.click();
  const reply = chat.assistantMessages().last();
  await expect(reply).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  await expect(reply.locator('.content')).toHaveText(expected.text, { useInnerText: true });
  expect(requestWatch.urls.filter((url) => url.startsWith(hub.url)).length, 'requests to the hub after the discard').toBe(hubRequestsBefore);
});
