import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Firefox ESR driven over WebDriver BiDi, all its traffic through the recording proxy, and its own calls home
 * (captive-portal checks, remote settings, telemetry, safe browsing) switched off so that what reaches the proxy is
 * the app's.
 */
export async function launchFirefox(proxyPort: number): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxyPort,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxyPort,
      'network.proxy.allow_hijacking_localhost': true,
      'network.proxy.no_proxies_on': '',
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.update.enabled': false,
      'toolkit.telemetry.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'dom.push.enabled': false,
      // navigator.storage.persist() would otherwise wait for a person to answer a prompt.
      'dom.storageManager.prompt.testing': true,
      'dom.storageManager.prompt.testing.allow': true,
    },
  });
}

/** The app in one Firefox page, driven by role and accessible name like the Chromium suite's ChatPage. */
export class FirefoxChat {
  /** The page's console errors and warnings, quoted when a step fails. */
  private readonly consoleProblems: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warn') this.consoleProblems.push(`${message.type()}: ${message.text()}`);
    });
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.waitForSelector('::-p-aria(Airgap Chat[role="heading"])');
  }

  async loadModel(repo: string): Promise<void> {
    // Firefox's accessibility tree also names the <label> itself, so the role picks the field.
    await this.page.locator('::-p-aria(Hugging Face model id[role="textbox"])').fill(repo);
    await this.page.locator('::-p-aria(Load model[role="button"])').click();
    // Wait for the model to be ready or for the app to say why not, so a failure names its cause instead of timing out.
    let outcome: unknown;
    try {
      const handle = await this.page.waitForFunction(
        (prefix) => {
          const loaded = Array.from(document.querySelectorAll('p, div, span')).some((element) => element.textContent?.startsWith(prefix));
          if (loaded) return 'loaded';
          const alerts = Array.from(document.querySelectorAll('[role="alert"]')).map((element) => element.textContent ?? '');
          return alerts.length > 0 ? alerts.join(' | ') : false;
        },
        { timeout: 180_000 },
        `Loaded ${repo} on `,
      );
      outcome = await handle.jsonValue();
    } catch (error) {
      throw new Error(`${(error as Error).message}; the page said: ${await this.visibleStatus()}`);
    }
    if (outcome !== 'loaded') throw new Error(`Loading ${repo} failed: ${outcome}`);
  }

  /** What the page shows about the model, for failure messages. */
  private async visibleStatus(): Promise<string> {
    const text = await this.page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').slice(0, 2000));
    return `${text}\nconsole:\n${this.consoleProblems.slice(-20).join('\n')}`;
  }

  /** What the page's alerts say, for failure messages. */
  async alerts(): Promise<string[]> {
    return this.page.$$eval('[role="alert"]', (elements) => elements.map((element) => element.textContent ?? ''));
  }

  async backend(): Promise<string> {
    return this.page.$eval('::-p-aria([name="Backend"][role="status"])', (element) => element.textContent ?? '');
  }

  async showPlainText(): Promise<void> {
    const open = await this.page.$eval('details.settings', (element) => (element as HTMLDetailsElement).open);
    if (!open) await this.page.locator('details.settings > summary').click();
    // The choice is kept across pages: uncheck only what is checked.
    const markdown = await this.page.$('::-p-aria(Show replies as Markdown[role="checkbox"])');
    if (await markdown!.evaluate((box) => (box as HTMLInputElement).checked)) await markdown!.click();
  }

  /** Picks files as the "Attach files" button's chooser would, and waits for their chips. */
  async attach(paths: string[]): Promise<void> {
    const chips = await this.page.$$eval('.composer [aria-label="Attached files"] li', (items) => items.length);
    const picker = await this.page.$('.composer input[type="file"]');
    await picker!.uploadFile(...paths);
    await this.page.waitForFunction(
      (count) => document.querySelectorAll('.composer [aria-label="Attached files"] li').length >= count,
      { timeout: 60_000 },
      chips + paths.length,
    );
  }

  /** Sets a setting of this chat by its label, in the Settings panel. */
  async setSetting(label: string, value: string): Promise<void> {
    const open = await this.page.$eval('details.settings', (element) => (element as HTMLDetailsElement).open);
    if (!open) await this.page.locator('details.settings > summary').click();
    await this.page.locator(`::-p-aria(${label}[role="spinbutton"])`).fill(value);
  }

  async newChat(): Promise<void> {
    await this.page.locator('::-p-aria(New chat[role="button"])').click();
  }

  async messages(role: 'user' | 'assistant'): Promise<string[]> {
    return this.page.$$eval(`[data-message-role="${role}"] .content`, (elements) => elements.map((element) => element.textContent ?? ''));
  }

  /** Sends a message and returns the finished reply's text. */
  async ask(text: string): Promise<string> {
    const before = (await this.messages('assistant')).length;
    await this.page.locator('::-p-aria(Message[role="textbox"])').fill(text);
    await this.page.locator('::-p-aria(Send[role="button"])').click();
    await this.page.waitForFunction(
      (index) => document.querySelectorAll('[data-message-role="assistant"]')[index]?.getAttribute('aria-busy') === 'false',
      { timeout: 120_000 },
      before,
    );
    return (await this.messages('assistant'))[before];
  }
}
