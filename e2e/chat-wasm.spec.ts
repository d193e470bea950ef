import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { expect, HUB_ROOT, parseStats, test, TINY_CHAT, tinyChatReference } from './fixtures';

test('WASM: a typed model id loads and the streamed reply equals the Node reference, turn after turn', async ({ chat }) => {
  await chat.showPlainText();
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await expect(chat.backend).toHaveText(/^WASM · q8 · \d+ threads?$/);
  const threads = Number((await chat.backend.textContent())!.match(/(\d+) thread/)![1]);
  expect(threads, 'the page is cross-origin isolated, so ORT runs threaded').toBeGreaterThan(1);

  const first = await chat.ask('Hello');
  const expectedFirst = await tinyChatReference([{ role: 'user', content: 'Hello' }]);
  expect(first.reply).toBe(expectedFirst.text);
  const stats = parseStats(first.stats);
  expect(stats.tokens).toBe(expectedFirst.tokenIds.length);
  await expect(chat.assistantMessages().first(), 'the fixture never ends on its own, so the limit ends it').toContainText(
    `The reply stopped at its limit of ${expectedFirst.tokenIds.length} new tokens`,
  );

  const second = await chat.ask('Tell me more, please: ünïcödé ✓');
  const expectedSecond = await tinyChatReference([
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: expectedFirst.text },
      { role: 'user', content: 'Tell me more, please: ünïcödé ✓' },
    ]);
  expect(second.reply).toBe(expectedSecond.text);
  console.log(`[figures] WASM q8 ${threads} threads: ${await chat.loadedLine()} ${first.stats}`);
});

test('a reply that ends on its own: its end token is not shown, and it neither claims a limit nor offers Continue', async ({ chat }) => {
  const repo = 'airgap-test/tiny-chat-ends';
  await chat.showPlainText();
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  const expected = await referenceReply({ root: HUB_ROOT, repo, dtype: 'q8', messages: [{ role: 'user', content: 'Hello' }], maxNewTokens: 32 });
  expect(expected.tokenIds.length, 'the fixture ends its reply before the limit of 32').toBeLessThan(32);

  const { reply, stats } = await chat.ask('Hello');
  expect(reply).toBe(expected.text);
  expect(parseStats(stats).tokens).toBe(expected.tokenIds.length);
  const message = chat.assistantMessages().first();
  await expect(message).not.toContainText('<|im_end|>');
  await expect(message).not.toContainText('stopped at its limit');
  await expect(message.getByRole('button', { name: 'Continue' })).toHaveCount(0);
  await expect(message.getByRole('button', { name: 'Regenerate' })).toBeEnabled();
});
