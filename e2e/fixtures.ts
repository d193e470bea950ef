import { test as base, expect, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { startFakeHub } from '../scripts/fake-hub.mjs';
import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { startAppServer } from '../scripts/serve.mjs';

export const HUB_ROOT = '.fixtures/hub';
export const TINY_CHAT = 'airgap-test/tiny-chat';

type FakeHub = Awaited<ReturnType<typeof startFakeHub>>;
type AppServer = Awaited<ReturnType<typeof startAppServer>>;

/** Every request the page and its workers made, and those that went to a host other than the two allowed. */
export interface RequestWatch {
  urls: string[];
  foreign: () => string[];
  /** Allows one more origin, for a test that runs a server of its own (a host page, a second app server). */
  allowOrigin: (origin: string) => void;
}

interface WorkerFixtures {
  hub: FakeHub;
  app: AppServer;
  /** config.json fields on top of the fake hub's URL; `test.use({ appConfig })` gives a file its own server. */
  appConfig: Record<string, unknown>;
  /** What the browser reported through the app servers' CSP `report-uri`, in this worker. */
  cspReports: string[];
}

interface TestFixtures {
  requestWatch: RequestWatch;
  /** Fails the test on any Content-Security-Policy violation a page of the test reports. */
  cspWatch: void;
  /** The request and CSP watchers, for a test that starts an app server of its own. */
  watchers: Watchers;
  /** The app opened in a fresh page, ready to use. */
  chat: ChatPage;
}

/**
 * Watches at the browser-context level, which sees the page, its frames, its dedicated workers, the ORT threads and
 * the service worker. Requests to any other origin are recorded and aborted, and the test fails at its end.
 */
async function watchRequests(context: BrowserContext, allowedOrigins: string[]): Promise<RequestWatch> {
  const urls: string[] = [];
  const record = (url: string) => {
    if (!url.startsWith('data:') && !url.startsWith('blob:')) urls.push(url);
  };
  const isAllowed = (url: string) => url.startsWith('data:') || url.startsWith('blob:') || allowedOrigins.includes(new URL(url).origin);
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    record(url);
    if (isAllowed(url)) await route.fallback();
    else await route.abort('blockedbyclient');
  });
  context.on('request', (request) => {
    if (!urls.includes(request.url())) record(request.url());
  });
  return {
    urls,
    foreign: () => [...new Set(urls.filter((url) => !isAllowed(url)))],
    allowOrigin: (origin) => void allowedOrigins.push(origin),
  };
}

export class ChatPage {
  constructor(readonly page: Page) {}

  get modelId() {
    return this.page.getByLabel('Hugging Face model id');
  }
  get loadButton() {
    return this.page.getByRole('button', { name: 'Load model' });
  }
  get message() {
    return this.page.getByRole('textbox', { name: 'Message' });
  }
  get sendButton() {
    return this.page.getByRole('button', { name: 'Send' });
  }
  get stopButton() {
    return this.page.getByRole('button', { name: 'Stop' });
  }
  get backend() {
    return this.page.getByRole('status', { name: 'Backend' });
  }
  get alerts() {
    return this.page.getByRole('alert');
  }
  assistantMessages() {
    return this.page.locator('[data-message-role="assistant"]');
  }
  userMessages() {
    return this.page.locator('[data-message-role="user"]');
  }
  /** The engine's worker (onnxruntime's threads are workers too). */
  async engineWorker(): Promise<Worker> {
    await expect.poll(() => this.page.workers().some((worker) => worker.url().includes('engine.worker'))).toBe(true);
    return this.page.workers().find((worker) => worker.url().includes('engine.worker'))!;
  }

  async loadModel(repo: string) {
    await this.modelId.fill(repo);
    await this.loadButton.click();
  }

  async waitForLoaded(repo: string, timeout = 90_000) {
    // Attached, not visible: on a phone-sized screen the side panel that says so folds away once the model is loaded.
    await expect(this.page.getByText(new RegExp(`^Loaded ${repo} on `))).toBeAttached({ timeout });
  }

  /** Loads `repo`, waits until it is ready and shows replies as plain text, to compare them with a reference. */
  async loadForComparison(repo: string) {
    await this.loadModel(repo);
    await this.waitForLoaded(repo);
    await this.showPlainText();
  }

  /** "Loaded owner/name on WASM · q8 · 2 threads in 1.2 s." */
  async loadedLine(): Promise<string> {
    return (await this.page.getByText(/^Loaded .* in [\d.]+ m?s\.$/).textContent()) ?? '';
  }

  async openSettings() {
    const settings = this.page.locator('details.settings');
    if (!(await settings.evaluate((element) => (element as HTMLDetailsElement).open))) {
      await this.page.getByText('Settings', { exact: true }).click();
    }
  }

  /** Shows replies as the plain text the model wrote (no Markdown), to compare them with the reference exactly. */
  async showPlainText() {
    await this.openSettings();
    await this.page.getByRole('checkbox', { name: 'Show replies as Markdown' }).uncheck();
  }

  /**
   * Greedy replies of `maxNewTokens` tokens from any model, whatever its generation_config.json asks for: transformers.js
   * takes temperature 0 for greedy decoding (no sampling), and a repetition penalty of 1 is none. These settings belong
   * to the chat on screen.
   */
  async useGreedySampling(maxNewTokens: number) {
    await this.openSettings();
    await this.page.getByLabel('Max new tokens').fill(String(maxNewTokens));
    await this.page.getByLabel('Temperature').fill('0');
    await this.page.getByLabel('Repetition penalty').fill('1');
  }

  /** Reads conversations from an export file through the sidebar's file field. */
  async importConversations(json: unknown, name = 'chats.json') {
    await this.openSection('Import and export');
    await this.page.getByLabel('Import chats (JSON)').setInputFiles({
      name,
      mimeType: 'application/json',
      buffer: Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)),
    });
  }

  /** Opens a <details> section by its summary text, if it is closed. */
  async openSection(summary: string) {
    const section = this.page.locator('details', { has: this.page.locator('summary', { hasText: summary }) });
    if (!(await section.evaluate((element) => (element as HTMLDetailsElement).open))) {
      await section.locator('summary').click();
    }
  }

  /** Sends a message and waits until the reply is finished; returns the reply's text and its stats line. */
  async ask(text: string): Promise<{ reply: string; stats: string }> {
    const before = await this.assistantMessages().count();
    await this.message.fill(text);
    await this.sendButton.click();
    const reply = this.assistantMessages().nth(before);
    await expect(reply).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
    return {
      reply: (await reply.locator('.content').textContent()) ?? '',
      stats: (await reply.locator('.stats').textContent()) ?? '',
    };
  }
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  hub: [
    async ({}, use) => {
      const hub = await startFakeHub({ root: HUB_ROOT });
      await use(hub);
      await hub.close();
    },
    { scope: 'worker' },
  ],
  appConfig: [{ catalog: [] }, { scope: 'worker', option: true }],
  cspReports: [
    async ({}, use) => {
      await use([]);
    },
    { scope: 'worker' },
  ],
  app: [
    async ({ hub, appConfig, cspReports }, use) => {
      const app = await startAppServer({
        dist: 'dist',
        port: 0,
        config: { hubUrl: hub.url, ...appConfig },
        onCspViolation: (report) => cspReports.push(describeCspReport(report)),
      });
      await use(app);
      await app.close();
    },
    { scope: 'worker' },
  ],
  requestWatch: [
    async ({ context, app, hub }, use) => {
      const watch = await watchRequests(context, [new URL(app.url).origin, new URL(hub.url).origin]);
      await use(watch);
      expect(watch.foreign(), 'requests to hosts other than the app and the hub').toEqual([]);
    },
    { auto: true },
  ],
  cspWatch: [
    async ({ context, cspReports }, use) => {
      const reportsBefore = cspReports.length;
      await context.addInitScript(() => {
        const seen: string[] = [];
        Object.defineProperty(window, '__cspViolations', { value: seen });
        document.addEventListener('securitypolicyviolation', (event) =>
          seen.push(`${event.effectiveDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`),
        );
      });
      await use();
      // Every frame: an embedded app runs under its own CSP inside a host page.
      for (const frame of context.pages().flatMap((page) => page.frames())) {
        const violations = await frame
          .evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])
          .catch(() => []);
        expect(violations, `CSP violations on ${frame.url()}`).toEqual([]);
      }
      // Workers and the service worker have no document to listen on; the browser reports their violations.
      expect(cspReports.slice(reportsBefore), 'CSP violations the browser reported (workers included)').toEqual([]);
    },
    { auto: true },
  ],
  watchers: async ({ requestWatch, cspReports }, use) => {
    await use({ requestWatch, cspReports });
  },
  chat: async ({ page, app, hub }, use) => {
    hub.setFaults({});
    hub.resetStats();
    await page.goto(app.url);
    await expect(page.getByRole('heading', { name: 'Airgap Chat' })).toBeVisible();
    await use(new ChatPage(page));
    hub.setFaults({});
  },
});

export { expect };

export interface Watchers {
  requestWatch: RequestWatch;
  cspReports: string[];
}

/** One line for a `report-uri` report: what was blocked, by which directive, from where. */
export function describeCspReport(report: unknown): string {
  const body = (report as { 'csp-report'?: Record<string, unknown> } | null)?.['csp-report'];
  if (!body) return `unreadable report: ${JSON.stringify(report)}`;
  return `${String(body['effective-directive'] ?? body['violated-directive'])} blocked ${String(body['blocked-uri'])} in ${String(body['source-file'] ?? body['document-uri'])}`;
}

export type Turn = { role: 'system' | 'user' | 'assistant'; content: string };

/** The exact greedy reply of the tiny chat fixture in Node (transformers.js on onnxruntime-node), 32 tokens by default as its generation_config says. */
export function tinyChatReference(messages: Turn[], dtype: 'fp32' | 'q8' | 'q4' = 'q8', maxNewTokens = 32) {
  return referenceReply({ root: HUB_ROOT, repo: TINY_CHAT, dtype, messages, maxNewTokens });
}

/** Parses the stats line under a reply: "12 tokens · 150 ms to first token · 40.2 tokens/s · prompt 9 tokens". */
export function parseStats(stats: string) {
  const match = stats.match(/^(\d+) tokens · ([\d.]+) (ms|s) to first token · ([\d.]+) tokens\/s/);
  if (!match) throw new Error(`unexpected stats line: ${stats}`);
  return {
    tokens: Number(match[1]),
    ttftMs: Number(match[2]) * (match[3] === 's' ? 1000 : 1),
    tokensPerSecond: Number(match[4]),
    promptTokens: Number(stats.match(/prompt (\d+) tokens/)?.[1] ?? 0),
    /** Prompt tokens that came from the previous turn's KV cache. */
    reusedTokens: Number(stats.match(/\((\d+) reused\)/)?.[1] ?? 0),
  };
}
