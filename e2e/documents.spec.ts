import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { withDocuments } from '../src/documents/document-prompt';
import { expect, test, tinyChatReference, TINY_CHAT } from './fixtures';

const NOTES = 'The meeting is on Tuesday.\nBring the blue folder.\n';
const PAGE_HTML =
  '<!doctype html><html><head><title>Team page</title><style>p { color: red }</style></head>' +
  '<body><h1>Plans</h1><p>Ship the <b>first</b> part.</p><script>window.ranScript = true</script>' +
  '<img src="https://tracker.example/pixel.png"><ul><li>one</li><li>two</li></ul></body></html>';
/** What the page should read from PAGE_HTML: its text, a line per block, nothing of the script or style. */
const PAGE_TEXT = 'Team page\nPlans\nShip the first part.\none\ntwo';

/** Drops a file onto the chat as a person dragging it from the desktop would. */
async function dropFile(page: Page, name: string, content: string, type: string) {
  await page.locator('main.chat').evaluate(
    (chat, file) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([file.content], file.name, { type: file.type }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        chat.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    { name, content, type },
  );
}

/** Every message record the conversations database holds, as JSON. */
function storedMessages(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('airgap-chat-conversations');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const records = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction('messages').objectStore('messages').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return JSON.stringify(records);
  });
}

test('attached files go into the prompt whole, show as chips, stay across a reload and go with their chat', async ({ chat, page }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.showPlainText();

  // A text file through the button, and a web page dropped onto the chat.
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES) });
  await dropFile(page, 'team.html', PAGE_HTML, 'text/html');
  const pending = page.getByRole('list', { name: 'Attached files' });
  await expect(pending.getByRole('listitem')).toHaveText([/^notes\.txt\s*text · 50 B/, /^team\.html\s*web page, text only · \d+ B/]);
  await expect(chat.message).toHaveAttribute('placeholder', 'Ask about the attached files');
  // What the model will read from the web page: its text, never its markup.
  await pending.getByRole('button', { name: 'Show the text of team.html' }).click();
  expect(await page.getByRole('region', { name: 'Text of team.html' }).textContent()).toBe(PAGE_TEXT);

  const question = 'When is the meeting?';
  const { reply } = await chat.ask(question);
  const attachments = [
    { name: 'notes.txt', text: NOTES },
    { name: 'team.html', text: PAGE_TEXT },
  ].map((file) => ({ ...file, id: file.name, kind: 'text' as const, size: 0 }));
  const reference = await tinyChatReference([{ role: 'user', content: withDocuments(question, attachments) }]);
  expect(reply).toBe(reference.text);
  expect(await page.evaluate(() => (window as { ranScript?: boolean }).ranScript)).toBeUndefined();
  // The composer is empty again; the files are on the message they were sent with.
  await expect(page.locator('.composer').getByRole('list', { name: 'Attached files' })).toHaveCount(0);
  const onMessage = chat.userMessages().last().getByRole('list', { name: 'Attached files' }).getByRole('listitem');
  await expect(onMessage).toHaveCount(2);

  await page.reload();
  await expect(onMessage).toHaveText([/^notes\.txt/, /^team\.html/]);
  expect(await storedMessages(page)).toContain('Bring the blue folder.');

  const chats = page.getByRole('navigation', { name: 'Chats' });
  await chats.getByRole('button', { name: 'Delete “When is the meeting?”…' }).click();
  await chats.getByRole('button', { name: 'Delete “When is the meeting?”' }).click();
  await expect(chat.userMessages()).toHaveCount(0);
  await expect.poll(() => storedMessages(page)).not.toContain('Bring the blue folder.');
});

test('a file that is not text, an empty one and a 200 MB one are refused with a message, and nothing is attached', async ({ chat, page }) => {
  const attach = async (files: Parameters<import('@playwright/test').FileChooser['setFiles']>[0]) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach files' }).click();
    await (await chooser).setFiles(files);
  };
  await attach({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) });
  await expect(chat.alerts).toContainText('“photo.png” is not a text file, so it cannot be attached.');
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  await attach({ name: 'empty.md', mimeType: 'text/markdown', buffer: Buffer.from('\n\n') });
  await expect(chat.alerts).toContainText('“empty.md” has no text to read.');
  await page.getByRole('button', { name: 'Dismiss message' }).click();

  const huge = path.join(await mkdtemp(path.join(os.tmpdir(), 'airgap-attach-')), 'huge.txt');
  await writeFile(huge, '');
  await truncate(huge, 200 * 1024 * 1024);
  await attach(huge);
  await expect(chat.alerts).toContainText('“huge.txt” is 200 MB; files up to 20 MB can be attached.');
  await expect(page.getByRole('list', { name: 'Attached files' })).toHaveCount(0);
});
