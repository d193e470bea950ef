import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { startFakeHub } from '../scripts/fake-hub.mjs';
import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { startAppServer } from '../scripts/serve.mjs';
import { EMBEDDER_REPO } from '../scripts/fixtures/embedder.mjs';
import { withDocuments } from '../shared/document-prompt';
import type { Attachment } from '../src/chat/types';
import type { ChatMessage, Passage } from '../shared/protocol';
import { BOOK_LINES, pdfWithPages, storedMessagesJson } from '../e2e/document-files';
import { FirefoxChat, launchFirefox } from './firefox-app';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';

const HUB_ROOT = '.fixtures/hub';
const TINY_CHAT = 'airgap-test/tiny-chat';

describe('Firefox ESR', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let app: Awaited<ReturnType<typeof startAppServer>>;
  let proxy: RecordingProxy;
  let browser: Browser;
  /** Files the tests attach; removed with the suite. */
  let folder: string;
  const cspReports: unknown[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'airgap-firefox-'));
    hub = await startFakeHub({ root: HUB_ROOT });
    app = await startAppServer({ dist: 'dist', port: 0, config: { hubUrl: hub.url, catalog: [], embeddingModel: EMBEDDER_REPO }, onCspViolation: (report) => cspReports.push(report) });
    proxy = await startRecordingProxy([new URL(app.url).origin, new URL(hub.url).origin]);
    browser = await launchFirefox(proxy.port);
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await app?.close();
    await hub?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('loads the tiny model on WASM with threads, replies as the reference, keeps the chat and the model across a reload, and works offline', async () => {
    const chat = new FirefoxChat(await browser.newPage());
    await chat.open(app.url);
    await chat.showPlainText();
    await chat.loadModel(TINY_CHAT);
    const backend = await chat.backend();
    expect(backend).toMatch(/^WASM · q8 · \d+ threads?$/);
    expect(Number(backend.match(/(\d+) thread/)![1]), 'the page is cross-origin isolated, so ORT runs threaded').toBeGreaterThan(1);

    const expected = await referenceReply({ root: HUB_ROOT, repo: TINY_CHAT, dtype: 'q8', messages: [{ role: 'user', content: 'Hello' }] });
    expect(await chat.ask('Hello')).toBe(expected.text);

    // A reload keeps the chat, and the model loads from the store without asking the hub anything.
    const hubRequestsBefore = proxy.urls.filter((url) => url.startsWith(hub.url)).length;
    await chat.open(app.url);
    expect(await chat.messages('user')).toEqual(['Hello']);
    expect(await chat.messages('assistant')).toEqual([expected.text]);
    await chat.loadModel(TINY_CHAT);
    expect(proxy.urls.filter((url) => url.startsWith(hub.url)).length, 'requests to the hub after the reload').toBe(hubRequestsBefore);

    // No network at all: the service worker opens the app, and the stored model answers as before.
    proxy.setOffline(true);
    await chat.open(app.url);
    await chat.loadModel(TINY_CHAT);
    await chat.newChat();
    expect(await chat.ask('Hello')).toBe(expected.text);
    proxy.setOffline(false);

    expect(proxy.foreign(), 'requests to hosts other than the app and the hub').toEqual([]);
    expect(cspReports, 'Content-Security-Policy violations Firefox reported').toEqual([]);
  });
  test('reads a PDF in pdf.js’s worker and, when it is too long for the context, sends the passage that answers by meaning, cited by page', async () => {
    const chat = new FirefoxChat(await browser.newPage());
    await chat.open(app.url);
    await chat.showPlainText();
    await chat.loadModel(TINY_CHAT);
    await chat.newChat();
    // Room for about two passages: no keyword of the question is on page 23, only words the fixture embedder reads as
    // the same ("car" for "automobile", "waits" for "parked").
    await chat.setSetting('Context limit (tokens)', '400');
    const book = path.join(folder, 'book.pdf');
    await writeFile(book, await pdfWithPages(BOOK_LINES));
    await chat.attach([book]);
    expect(await chat.page.$eval('.composer [aria-label="Attached files"]', (chips) => chips.textContent)).toMatch(/book\.pdf\s*PDF · 40 pages/);

    const question = 'Where is the automobile parked?';
    const reply = await chat.ask(question);
    const sources = await chat.page.$$eval('[data-message-role="assistant"] nav[aria-label="Sources"] button', (buttons) => buttons.map((button) => button.textContent ?? ''));
    expect(sources, `the sources cited; the page's alerts: ${(await chat.alerts()).join(' | ') || 'none'}`).toEqual(expect.arrayContaining([expect.stringMatching(/^\[\d+\] book\.pdf, page 23/)]));
    const stored = (JSON.parse(await chat.page.evaluate(storedMessagesJson)) as { attachments?: Attachment[]; passages?: Passage[] }[]).find(
      (message) => message.passages,
    )!;
    const messages: ChatMessage[] = [{ role: 'user', content: withDocuments(question, stored.attachments, stored.passages) }];
    expect(reply).toBe((await referenceReply({ root: HUB_ROOT, repo: TINY_CHAT, dtype: 'q8', messages })).text);

    expect(proxy.foreign(), 'requests to hosts other than the app and the hub').toEqual([]);
    expect(cspReports, 'Content-Security-Policy violations Firefox reported').toEqual([]);
  });
});
