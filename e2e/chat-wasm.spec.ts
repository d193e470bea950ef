import { expect, parseStats, test, TINY_CHAT, tinyChatReference } from './fixtures';

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
