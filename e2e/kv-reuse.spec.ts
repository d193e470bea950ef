import { exportFileOf, linearConversation } from './export-files';
import { expect, parseStats, test, TINY_CHAT, tinyChatReference } from './fixtures';

/** A long earlier conversation, as an export file: 24 turns of plain prose. */
function longHistory() {
  const words = 'the quick brown fox jumps over a lazy dog while seven wise owls watch from an old oak tree'.split(' ');
  const sentence = (seed: number, length: number) =>
    Array.from({ length }, (_, i) => words[(seed * 7 + i * 3) % words.length]).join(' ');
  const turns = Array.from({ length: 24 }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: `${sentence(i, i % 2 === 0 ? 6 : 14)}.`,
  }));
  const file = exportFileOf(linearConversation('long', 'A long talk', turns.map((turn) => turn.content)));
  return { file, turns };
}

test('KV reuse: the next turn reuses the cache, gives exactly the tokens it gives without it, and starts sooner', async ({ chat, page }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.showPlainText();
  const { file, turns } = longHistory();
  await chat.importConversations(file);
  await expect(chat.assistantMessages()).toHaveCount(12);

  const first = await chat.ask('Now say something new.');
  expect(first.stats, 'nothing to reuse on the first turn after loading').not.toMatch(/reused/);
  const withReuse = await chat.ask('And one more thing?');
  const reused = Number(withReuse.stats.match(/\((\d+) reused\)/)?.[1] ?? 0);
  const promptTokens = Number(withReuse.stats.match(/prompt (\d+) tokens/)![1]);
  expect(reused, 'most of the prompt came from the cache').toBeGreaterThan(promptTokens * 0.8);

  await page.getByRole('checkbox', { name: 'Reuse the previous turn’s cache' }).uncheck();
  await chat.assistantMessages().last().getByRole('button', { name: 'Regenerate' }).click();
  const again = chat.assistantMessages().last();
  await expect(again.getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
  await expect(again).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
  const withoutReuse = {
    reply: (await again.locator('.content').textContent()) ?? '',
    stats: (await again.locator('.stats').textContent()) ?? '',
  };
  expect(withoutReuse.stats).not.toMatch(/reused/);

  const expected = await tinyChatReference([
      ...turns,
      { role: 'user', content: 'Now say something new.' },
      { role: 'assistant', content: first.reply },
      { role: 'user', content: 'And one more thing?' },
    ]);
  expect(withReuse.reply).toBe(expected.text);
  expect(withoutReuse.reply).toBe(expected.text);
  expect(parseStats(withReuse.stats).tokens).toBe(expected.tokenIds.length);
  expect(parseStats(withoutReuse.stats).tokens).toBe(expected.tokenIds.length);

  const ttftWith = parseStats(withReuse.stats).ttftMs;
  const ttftWithout = parseStats(withoutReuse.stats).ttftMs;
  console.log(
    `[figures] KV reuse, ${promptTokens}-token prompt (${reused} reused): time to first token ${ttftWith} ms with reuse, ${ttftWithout} ms without`,
  );
  expect(ttftWith).toBeLessThan(ttftWithout);
});
