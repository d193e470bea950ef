import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { expect, HUB_ROOT, test } from './fixtures';

const SMALL = 'airgap-test/tiny-chat-small-context';

test('a conversation longer than a 128-token context drops its oldest turns, says so, and still answers exactly', async ({ chat }) => {
  await chat.loadModel(SMALL);
  await chat.waitForLoaded(SMALL);
  await chat.showPlainText();
  const history: { role: string; content: string }[] = [];
  let dropped = 0;
  for (const question of ['Hello there', 'Tell me more about it', 'And then what happened?', 'Why is that so?']) {
    const { reply } = await chat.ask(question);
    const note = chat.assistantMessages().last().getByText(/earlier messages? (was|were) left out/);
    dropped = (await note.count()) > 0 ? Number((await note.textContent())!.match(/^(\d+)/)![1]) : 0;
    const prompt = [...history, { role: 'user', content: question }].slice(dropped);
    // Positions of 128 or more make this model fail, so a reply at all shows the trimming really happened.
    const expected = await referenceReply({ root: HUB_ROOT, repo: SMALL, dtype: 'q8', messages: prompt, maxNewTokens: 32 });
    expect(reply).toBe(expected.text);
    history.push({ role: 'user', content: question }, { role: 'assistant', content: reply });
  }
  expect(dropped, 'by the fourth turn the oldest turns no longer fit').toBeGreaterThan(0);
  expect(dropped % 2, 'whole turns are dropped').toBe(0);
  await expect(chat.alerts).toHaveCount(0);
});

test('a single message longer than the context is refused with a clear message and the chat goes on', async ({ chat }) => {
  await chat.loadModel(SMALL);
  await chat.waitForLoaded(SMALL);
  await chat.message.fill('word '.repeat(100));
  await chat.sendButton.click();
  await expect(chat.alerts).toContainText(/but the context holds 128\. Shorten the message/);
  await expect(chat.assistantMessages().last().getByText('Failed')).toBeVisible();
  const { reply } = await chat.ask('Short one');
  expect(reply.length).toBeGreaterThan(0);
});
