import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { expect, HUB_ROOT, test, TINY_CHAT } from './fixtures';

test('Continue lets a reply that ran into its limit write on, exactly as the model would have, and it is kept', async ({
  chat,
  page,
}) => {
  await chat.loadForComparison(TINY_CHAT);
  await page.getByLabel('Max new tokens').fill('12');
  const first = await chat.ask('Hello');
  const reply = chat.assistantMessages().first();
  await expect(reply).toContainText('The reply stopped at its limit of 12 new tokens');

  const messages = [{ role: 'user' as const, content: 'Hello' }];
  const expected = await referenceReply({ root: HUB_ROOT, repo: TINY_CHAT, dtype: 'q8', messages, maxNewTokens: 12, continueText: first.reply });
  await reply.getByRole('button', { name: 'Continue' }).click();
  await expect(reply).toHaveAttribute('aria-busy', 'false');
  const continued = first.reply + expected.text;
  expect(await reply.locator('.content').textContent()).toBe(continued);
  const uninterrupted = await referenceReply({ root: HUB_ROOT, repo: TINY_CHAT, dtype: 'q8', messages, maxNewTokens: 24 });
  expect(continued, 'twelve tokens and twelve more are the 24 the model writes in one go').toBe(uninterrupted.text);
  await expect(chat.assistantMessages(), 'the same reply grew; no new one was added').toHaveCount(1);

  await page.reload();
  await chat.showPlainText();
  await expect.poll(() => chat.assistantMessages().first().locator('.content').textContent()).toBe(continued);
});
