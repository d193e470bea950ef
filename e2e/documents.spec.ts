import { readFile, truncate, writeFile } from 'node:fs/promises';
import type { FileChooser, Page } from '@playwright/test';
import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';
import type { Attachment } from '../src/chat/types';
import { withDocuments } from '../shared/document-prompt';
import type { Passage } from '../shared/protocol';
import { EMBEDDER_REPO } from '../scripts/fixtures/embedder.mjs';
import { expect, test, tinyChatReference, TINY_CHAT } from './fixtures';
import { BOOK_LINES, japanesePdf, pdfWithPages, storedMessagesJson } from './document-files';
import { storedFiles } from './stored-files';

test.use({ appConfig: { catalog: [], embeddingModel: EMBEDDER_REPO } });

const NOTES = 'The meeting is on Tuesday.\nBring the blue folder.\n';
const SIZES = 'size,count\nS,3\nM,5\n';
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

/** Picks files through the "Attach files" button, as a person would. */
async function attach(page: Page, files: Parameters<FileChooser['setFiles']>[0]) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles(files);
}

/**
 * A PDF locked with a password (the standard security handler, revision 2): pdf-lib cannot encrypt, so the lock is
 * written by hand — an /Encrypt dictionary whose user-password check no password but the real one passes.
 */
async function passwordProtectedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage([612, 300]).drawText('Secret plans', { x: 40, y: 200, size: 14, font: await pdf.embedFont(StandardFonts.Helvetica) });
  const { context } = pdf;
  const bytes = (hex: string) => PDFHexString.of(hex.repeat(32 / (hex.length / 2)));
  context.trailerInfo.Encrypt = context.register(
    context.obj({ Filter: 'Standard', V: 1, R: 2, Length: 40, O: bytes('0f'), U: bytes('1e'), P: -4 }),
  );
  context.trailerInfo.ID = context.obj([PDFHexString.of('ab'.repeat(16)), PDFHexString.of('ab'.repeat(16))]);
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

/** Pastes a file into the message box, as copying it in a file manager and pasting would. */
async function pasteFile(page: Page, name: string, content: string, type: string) {
  await page.getByRole('textbox', { name: 'Message' }).evaluate(
    (box, file) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([file.content], file.name, { type: file.type }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    },
    { name, content, type },
  );
}


test('attached files go into the prompt whole, show as chips, stay across a reload and go with their chat', async ({ chat, page }) => {
  await chat.loadForComparison(TINY_CHAT);

  // A text file through the button, and a web page dropped onto the chat.
  await attach(page, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES) });
  await dropFile(page, 'team.html', PAGE_HTML, 'text/html');
  await pasteFile(page, 'sizes.csv', SIZES, 'text/csv');
  const pending = page.getByRole('list', { name: 'Attached files' });
  await expect(pending.getByRole('listitem')).toHaveText([
    /^notes\.txt\s*text · 50 B/,
    /^team\.html\s*web page, text only · \d+ B/,
    /^sizes\.csv\s*table · 19 B/,
  ]);
  await expect(chat.message).toHaveAttribute('placeholder', 'Ask about the attached files');
  // What the model will read from the web page: its text, never its markup.
  await pending.getByRole('button', { name: 'Show the text of team.html' }).click();
  expect(await page.getByRole('region', { name: 'Text of team.html' }).textContent()).toBe(PAGE_TEXT);

  const question = 'When is the meeting?';
  const { reply } = await chat.ask(question);
  const attachments = [
    { name: 'notes.txt', text: NOTES },
    { name: 'team.html', text: PAGE_TEXT },
    { name: 'sizes.csv', text: SIZES },
  ].map((file) => ({ ...file, id: file.name, kind: 'text' as const, size: 0 }));
  const reference = await tinyChatReference([{ role: 'user', content: withDocuments(question, attachments) }]);
  expect(reply).toBe(reference.text);
  expect(await page.evaluate(() => (window as { ranScript?: boolean }).ranScript)).toBeUndefined();
  // The composer is empty again; the files are on the message they were sent with.
  await expect(page.locator('.composer').getByRole('list', { name: 'Attached files' })).toHaveCount(0);
  const onMessage = chat.userMessages().last().getByRole('list', { name: 'Attached files' }).getByRole('listitem');
  await expect(onMessage).toHaveCount(3);

  // A JSON export carries the files only when asked to.
  await chat.openSection('Import and export');
  const exportChat = async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export this chat (JSON)' }).click();
    return readFile(await (await download).path(), 'utf8');
  };
  expect(await exportChat()).not.toContain('Bring the blue folder.');
  await page.getByRole('checkbox', { name: 'Include attached files in JSON exports' }).check();
  expect(await exportChat()).toContain('Bring the blue folder.');

  await page.reload();
  await expect(onMessage).toHaveText([/^notes\.txt/, /^team\.html/, /^sizes\.csv/]);
  expect(await page.evaluate(storedMessagesJson)).toContain('Bring the blue folder.');

  const chats = page.getByRole('navigation', { name: 'Chats' });
  await chats.getByRole('button', { name: 'Delete “When is the meeting?”…' }).click();
  await chats.getByRole('button', { name: 'Delete “When is the meeting?”' }).click();
  await expect(chat.userMessages()).toHaveCount(0);
  await expect.poll(() => page.evaluate(storedMessagesJson)).not.toContain('Bring the blue folder.');
});

test('a file attached in one chat is attached again in another from “From your chats”, as it was read', async ({ chat, page }) => {
  await chat.loadForComparison(TINY_CHAT);
  await page.getByRole('button', { name: 'From your chats' }).click();
  await expect(page.getByRole('region', { name: 'Files from your chats' })).toHaveText('No file has been attached in a chat yet.');
  await page.getByRole('button', { name: 'From your chats' }).click();
  await attach(page, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES) });
  await chat.ask('When is the meeting?');

  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByRole('button', { name: 'From your chats' }).click();
  const library = page.getByRole('region', { name: 'Files from your chats' });
  await expect(library.getByRole('listitem')).toHaveText([/^notes\.txt\s*50 B · from “When is the meeting\?”$/]);
  await library.getByRole('button', { name: 'Attach notes.txt' }).click();
  // Twice is once: the same file is not attached again.
  await library.getByRole('button', { name: 'Attach notes.txt' }).click();
  await expect(page.locator('.composer').getByRole('list', { name: 'Attached files' }).getByRole('listitem')).toHaveText([/^notes\.txt\s*text · 50 B/]);

  // Both prompts begin with the file: the new chat would start from the first one's cache, whose rounding can turn a
  // near-tie of the random tiny model the other way. Read whole, the prompt must give the reference's reply.
  await chat.openSettings();
  await page.getByRole('checkbox', { name: 'Reuse the previous turn’s cache' }).uncheck();
  const question = 'What should I bring?';
  const { reply } = await chat.ask(question);
  const notes = { id: 'notes', name: 'notes.txt', kind: 'text' as const, size: NOTES.length, text: NOTES };
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content: withDocuments(question, [notes]) }])).text);
  await expect(chat.userMessages().last().getByRole('list', { name: 'Attached files' })).toContainText('notes.txt');
});

test('a PDF is read page by page in a worker and sent whole, with its pages marked', async ({ chat, page }) => {
  await chat.loadForComparison(TINY_CHAT);
  const lines = ['The river is wide.', 'The bridge is old.', 'The boat is red.'];
  await attach(page, { name: 'guide.pdf', mimeType: 'application/pdf', buffer: await pdfWithPages(lines) });
  const chip = page.getByRole('list', { name: 'Attached files' }).getByRole('listitem');
  await expect(chip).toHaveText(/^guide\.pdf\s*PDF · 3 pages · [\d.]+ kB/);
  await chip.getByRole('button', { name: 'Show the text of guide.pdf' }).click();
  const text = lines.map((line, index) => `[Page ${index + 1}]\n${line}`).join('\n\n');
  expect(await page.getByRole('region', { name: 'Text of guide.pdf' }).textContent()).toBe(text);

  const question = 'What colour is the boat?';
  const { reply } = await chat.ask(question);
  const attachment = { id: 'guide', name: 'guide.pdf', kind: 'pdf' as const, size: 0, text };
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content: withDocuments(question, [attachment]) }])).text);
});

test('a Japanese PDF whose font is not embedded is read through a CMap served by the app', async ({ chat, page }) => {
  await chat.loadForComparison(TINY_CHAT);
  const line = '契約の期限は三月末です。';
  const cMaps: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.bcmap')) cMaps.push(new URL(request.url()).pathname);
  });
  await attach(page, { name: '契約.pdf', mimeType: 'application/pdf', buffer: await japanesePdf(line) });
  const chip = page.getByRole('list', { name: 'Attached files' }).getByRole('listitem');
  await expect(chip).toHaveText(/^契約\.pdf\s*PDF · 1 page · \d+ B/);
  await chip.getByRole('button', { name: 'Show the text of 契約.pdf' }).click();
  const text = `[Page 1]\n${line}`;
  expect(await page.getByRole('region', { name: 'Text of 契約.pdf' }).textContent()).toBe(text);
  // The encoding's CMap and the one that maps its characters to Unicode, both from the app's own folder.
  expect(cMaps.sort()).toEqual(['/pdfjs/cmaps/Adobe-Japan1-UCS2.bcmap', '/pdfjs/cmaps/UniJIS-UCS2-H.bcmap']);

  const question = '期限はいつですか?';
  const { reply } = await chat.ask(question);
  const attachment = { id: 'contract', name: '契約.pdf', kind: 'pdf' as const, size: 0, text };
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content: withDocuments(question, [attachment]) }])).text);
});

test('a file that is not text, an empty one, a PDF without text, a password-protected PDF, a damaged PDF and a 200 MB file are refused with a message, and nothing is attached', async ({
  chat,
  page,
}) => {
  const refused = async (files: Parameters<FileChooser['setFiles']>[0], message: string) => {
    await attach(page, files);
    await expect(chat.alerts).toContainText(message);
    await page.getByRole('button', { name: 'Dismiss message' }).click();
  };
  await refused(
    { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) },
    '“photo.png” is not a text file, so it cannot be attached.',
  );
  await refused({ name: 'empty.md', mimeType: 'text/markdown', buffer: Buffer.from('\n\n') }, '“empty.md” has no text to read.');
  await refused(
    { name: 'scan.pdf', mimeType: 'application/pdf', buffer: await pdfWithPages(['', '']) },
    '“scan.pdf” has no text layer (its pages are pictures, as in a scan)',
  );
  await refused(
    { name: 'locked.pdf', mimeType: 'application/pdf', buffer: await passwordProtectedPdf() },
    '“locked.pdf” is protected by a password, so its text cannot be read. Save a copy without the password and attach that.',
  );
  await refused(
    { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nnot really a PDF') },
    '“broken.pdf” could not be read as a PDF: the file is damaged or is not a PDF.',
  );
  // Under the test's output folder, which Playwright empties at the start of each run.
  const huge = test.info().outputPath('huge.txt');
  await writeFile(huge, '');
  await truncate(huge, 200 * 1024 * 1024);
  await attach(page, huge);
  await expect(chat.alerts).toContainText('“huge.txt” is 200 MB; files up to 20 MB can be attached.');
  await expect(page.getByRole('list', { name: 'Attached files' })).toHaveCount(0);
});

test('files too long for the context: the passages that answer the question go instead, found by meaning, cited by file and page', async ({
  chat,
  page,
}) => {
  await chat.loadForComparison(TINY_CHAT);
  // Room for about two passages: no keyword of the question is on page 23, only words the fixture embedder reads as
  // the same ("car" for "automobile", "waits" for "parked").
  await page.getByLabel('Context limit (tokens)').fill('400');
  await attach(page, { name: 'book.pdf', mimeType: 'application/pdf', buffer: await pdfWithPages(BOOK_LINES) });
  await expect(page.getByRole('list', { name: 'Attached files' }).getByRole('listitem')).toHaveText(/^book\.pdf\s*PDF · 40 pages/);
  // While the question is being written, the file is prepared: its passages' vectors are computed and kept.
  await expect.poll(() => storedVectorCount(page)).toBeGreaterThan(10);
  await expect(page.locator('.composer').getByRole('status')).toHaveCount(0);
  const passageCount = await storedVectorCount(page);
  const question = 'Where is the automobile parked?';
  const { reply } = await chat.ask(question);
  expect(await vectorsMeasured(chat), 'the question finds every passage’s vector prepared').toEqual({ recalled: passageCount, computed: 1 });
  // The embedding model came through the store like a chat model's files.
  expect((await storedFiles(page)).map((file) => file.path)).toEqual(expect.arrayContaining(['onnx/model.onnx', 'tokenizer.json']));

  const sources = chat.assistantMessages().last().getByRole('navigation', { name: 'Sources' });
  await expect(sources).toContainText(/Used \d+ passages? from book\.pdf/);
  await sources.getByRole('button', { name: /^\[\d+\] book\.pdf, page 23/ }).click();
  await expect(sources.getByRole('region')).toHaveText('A car waits in a barn.');
  const shown = await sources.getByRole('listitem').count();
  expect(shown).toBeLessThan(5);

  // The reply is the reference's for exactly the prompt the passages make (as stored with the question).
  const stored = (JSON.parse(await page.evaluate(storedMessagesJson)) as { role: string; attachments?: Attachment[]; passages?: Passage[] }[]).find(
    (message) => message.passages,
  )!;
  expect(stored.passages).toHaveLength(shown);
  const content = withDocuments(question, stored.attachments, stored.passages);
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content }])).text);
  expect(await storedVectorCount(page), 'every passage’s vector, not the question’s').toBe(passageCount);

  // After a reload the same file, asked about again, is not embedded again: only the new question is.
  await page.reload();
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await page.getByRole('button', { name: 'From your chats' }).click();
  await page.getByRole('region', { name: 'Files from your chats' }).getByRole('button', { name: 'Attach book.pdf' }).click();
  await chat.ask('Which barn is it?');
  expect(await vectorsMeasured(chat)).toEqual({ recalled: passageCount, computed: 1 });

  // The vectors go with the last chat that holds the file.
  const chats = page.getByRole('navigation', { name: 'Chats' });
  await chats.getByRole('button', { name: /^Delete “Where is the automobile parked\?”…$/ }).click();
  await chats.getByRole('button', { name: 'Delete “Where is the automobile parked?”' }).click();
  await expect.poll(() => storedVectorCount(page)).toBe(0);
});

/** The last `passages:vectors` measure of the engine worker: vectors recalled from storage and computed anew. */
async function vectorsMeasured(chat: { engineWorker(): Promise<import('@playwright/test').Worker> }) {
  return (await chat.engineWorker()).evaluate(
    () => (performance.getEntriesByName('passages:vectors').at(-1) as PerformanceMeasure).detail as { recalled: number; computed: number },
  );
}

/** How many passage vectors the worker keeps in IndexedDB. */
function storedVectorCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    // Opening a database that does not exist yet would create it empty, before the worker lays it out.
    if (!(await indexedDB.databases()).some((database) => database.name === 'airgap-chat-passage-vectors')) return 0;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('airgap-chat-passage-vectors');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const count = db.objectStoreNames.contains('vectors')
      ? await new Promise<number>((resolve, reject) => {
          const request = db.transaction('vectors').objectStore('vectors').count();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        })
      : 0;
    db.close();
    return count;
  });
}

test('files too long for the context, with no room left for passages, are refused with what to do, and the message keeps them', async ({ chat, page }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.openSettings();
  await page.getByLabel('Max new tokens').fill('2000');
  await attach(page, { name: 'long.txt', mimeType: 'text/plain', buffer: Buffer.from('All work and no play. '.repeat(150)) });
  await chat.message.fill('Summarise it');
  await chat.sendButton.click();
  await expect(chat.alerts).toContainText(
    "The attached files are too long for this model's context of 2048 tokens, and the question with the reply's room (2000 tokens) leaves no room for passages from them.",
  );
  await expect(chat.userMessages().last().getByRole('listitem')).toHaveText(/^long\.txt/);
  await expect(chat.assistantMessages()).toHaveCount(0);
});
