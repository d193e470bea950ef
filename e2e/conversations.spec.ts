import { exportFileOf, linearConversation } from './export-files';
import { ChatPage, expect, test, TINY_CHAT, tinyChatReference } from './fixtures';


test('chats persist across a reload and can be renamed, searched and deleted from the sidebar', async ({ chat, page }) => {
  await chat.loadForComparison(TINY_CHAT);
  const first = await chat.ask('Tell me about cats');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(chat.assistantMessages()).toHaveCount(0);
  await chat.ask('Tell me about dogs');

  await page.reload();
  const chats = page.getByRole('navigation', { name: 'Chats' });
  await expect(chats.getByRole('button', { name: 'Tell me about cats', exact: true })).toBeVisible();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Tell me about dogs'], { timeout: 10_000 });
  await chats.getByRole('button', { name: 'Tell me about cats', exact: true }).click();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Tell me about cats']);
  await chat.showPlainText();
  await expect(chat.assistantMessages().locator('.content')).toHaveText(first.reply);
  await expect(chat.assistantMessages().locator('.stats')).toHaveText(first.stats);

  await chats.getByRole('button', { name: 'Rename “Tell me about cats”' }).click();
  await chats.getByLabel('New title').fill('Felines');
  await chats.getByRole('button', { name: 'Save' }).click();
  await page.getByLabel('Search chats').fill('dogs');
  await expect(chats.getByRole('listitem')).toHaveCount(1);
  await page.getByLabel('Search chats').fill('');
  await page.reload();
  await chats.getByRole('button', { name: 'Delete “Felines”…' }).click();
  await chats.getByRole('button', { name: 'Delete “Felines”' }).click();
  await expect(chats.getByRole('button', { name: 'Felines' })).toHaveCount(0);
  await page.reload();
  await expect(chats.getByRole('button', { name: 'Tell me about dogs', exact: true })).toBeVisible();
  await expect(chats.getByRole('button', { name: 'Felines' })).toHaveCount(0);
});

test('edit and regenerate make branches that can be switched; Copy copies the reply as written', async ({ chat, page, context, app }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
  await chat.loadForComparison(TINY_CHAT);
  const original = await chat.ask('Hello');
  expect(original.reply).toBe((await tinyChatReference([{ role: 'user', content: 'Hello' }])).text);

  await page.getByRole('button', { name: 'Copy reply' }).click();
  await expect(page.getByRole('button', { name: 'Copy reply' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(original.reply);

  // A shorter limit makes the regenerated reply tell apart from the first (greedy decoding repeats itself).
  await page.getByLabel('Max new tokens').fill('8');
  await page.getByRole('button', { name: 'Regenerate' }).click();
  const reply = chat.assistantMessages().first();
  await expect(reply).toHaveAttribute('aria-busy', 'false');
  const shorter = (await tinyChatReference([{ role: 'user', content: 'Hello' }], 'q8', 8)).text;
  await expect(reply.locator('.content')).toHaveText(shorter);
  await expect(reply.getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
  await reply.getByRole('button', { name: 'Previous version' }).click();
  await expect(reply.locator('.content')).toHaveText(original.reply);
  await expect(reply.getByRole('group', { name: 'Versions' })).toContainText('1 / 2');

  await chat.userMessages().first().getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Edit message').fill('Hi there');
  await page.getByRole('button', { name: 'Save and send' }).click();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Hi there']);
  await expect(chat.assistantMessages().first()).toHaveAttribute('aria-busy', 'false');
  await expect(chat.assistantMessages().first().locator('.content')).toHaveText(
    (await tinyChatReference([{ role: 'user', content: 'Hi there' }], 'q8', 8)).text,
  );
  const question = chat.userMessages().first();
  await expect(question.getByRole('group', { name: 'Versions' })).toContainText('2 / 2');

  // Branches and the choice among them survive a reload.
  await page.reload();
  await chat.showPlainText();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Hi there']);
  await chat.userMessages().first().getByRole('button', { name: 'Previous version' }).click();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Hello']);
  await expect(chat.assistantMessages().first().locator('.content')).toHaveText(shorter, { timeout: 10_000 });

  await chat.assistantMessages().first().getByRole('button', { name: 'Delete this reply and what follows' }).click();
  await expect(chat.assistantMessages().first().locator('.content')).toHaveText(original.reply);
  await expect(chat.assistantMessages().first().getByRole('group', { name: 'Versions' })).toHaveCount(0);
});

test('a reload in the middle of a reply keeps what was written, marked as interrupted', async ({ chat, page }) => {
  await chat.loadForComparison(TINY_CHAT);
  await page.getByLabel('Max new tokens').fill('1500');
  await chat.message.fill('Write a long story');
  await chat.sendButton.click();
  const reply = chat.assistantMessages().last();
  await expect(reply.locator('.content')).toHaveText(/.{200}/s);
  // The reply is saved every half second while it streams.
  await page.waitForTimeout(800);
  const before = (await reply.locator('.content').textContent()) ?? '';
  await page.reload();

  const kept = chat.assistantMessages().last();
  await expect(kept.getByText(/^Interrupted/)).toBeVisible({ timeout: 10_000 });
  await expect(kept).toHaveAttribute('aria-busy', 'false');
  await chat.showPlainText();
  const text = (await kept.locator('.content').textContent()) ?? '';
  // 200 characters were on screen 800 ms before the reload, and the reply is saved every 500 ms.
  expect(text.length).toBeGreaterThanOrEqual(200);
  expect(before.startsWith(text) || text.startsWith(before)).toBe(true);
  console.log(`[figures] reload mid-reply: ${before.length} characters on screen, ${text.length} kept`);
});

test('two tabs see each other’s changes and do not overwrite them', async ({ chat, page, context, app }) => {
  const other = new ChatPage(await context.newPage());
  await other.page.goto(app.url);
  await chat.importConversations(exportFileOf(linearConversation('shared', 'Shared chat', ['Question', 'Answer'])));
  const chatsIn = (tab: ChatPage) => tab.page.getByRole('navigation', { name: 'Chats' });
  await expect(chatsIn(other).getByRole('button', { name: 'Shared chat', exact: true })).toBeVisible();

  await chatsIn(other).getByRole('button', { name: 'Rename “Shared chat”' }).click();
  await chatsIn(other).getByLabel('New title').fill('Renamed in the other tab');
  await chatsIn(other).getByRole('button', { name: 'Save' }).click();
  await expect(chatsIn(chat).getByRole('button', { name: 'Renamed in the other tab', exact: true })).toBeVisible();

  // One tab deletes the answer while the other shows the chat: the other drops it too, and the rename stays.
  await chatsIn(other).getByRole('button', { name: 'Renamed in the other tab', exact: true }).click();
  await expect(other.assistantMessages()).toHaveCount(1);
  await chat.assistantMessages().first().getByRole('button', { name: 'Delete this reply and what follows' }).click();
  await expect(other.assistantMessages()).toHaveCount(0);
  await expect(other.userMessages().locator('.content')).toHaveText(['Question']);
  await page.reload();
  await expect(chatsIn(chat).getByRole('button', { name: 'Renamed in the other tab', exact: true })).toBeVisible();
  await expect(chat.userMessages().locator('.content')).toHaveText(['Question']);
  await expect(chat.assistantMessages()).toHaveCount(0);
});
