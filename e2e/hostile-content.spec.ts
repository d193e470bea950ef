import { writeFile } from 'node:fs/promises';
import { exportFileOf, linearConversation } from './export-files';
import { expect, test } from './fixtures';

/**
 * Model output (or an imported file) is untrusted text. Each case below was written for this test; the classes follow
 * public catalogues of what gets past renderers and sanitizers:
 *   [OWASP] OWASP XSS Filter Evasion Cheat Sheet — script tags, event handlers, encoded and whitespace-split schemes,
 *           meta refresh, base, iframe/object/embed, style tricks;
 *   [DOMPurify] DOMPurify's test fixtures — SVG and MathML namespace confusion, mXSS through <math>/<style>/<mglyph>,
 *           xlink:href, <details ontoggle>, nested forms;
 *   [markdown-it] markdown-it's fixtures — javascript:/vbscript:/file:/data: link and image destinations, entity and
 *           percent encoded schemes, autolinks, reference definitions, link titles and fence info strings;
 *   [KaTeX] KaTeX's `trust` option — \href, \url, \htmlData, \includegraphics.
 */
const PAYLOADS: { source: string; text: string }[] = [
  { source: 'OWASP', text: '<script>alert(1)</script>' },
  { source: 'OWASP', text: '<SCRIPT SRC=//evil.example/xss.js></SCRIPT>' },
  { source: 'OWASP', text: '<img src=x onerror="alert(1)">' },
  { source: 'OWASP', text: '<IMG SRC="jav&#x09;ascript:alert(1);">' },
  { source: 'OWASP', text: '<body onload=alert(1)>' },
  { source: 'OWASP', text: '<div onmouseover="window.__pwned=1">hover</div>' },
  { source: 'OWASP', text: '<iframe src="javascript:alert(1)"></iframe>' },
  { source: 'OWASP', text: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">' },
  { source: 'OWASP', text: '<base href="javascript:alert(1)//">' },
  { source: 'OWASP', text: '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>' },
  { source: 'OWASP', text: '<embed src="javascript:alert(1)">' },
  { source: 'OWASP', text: '<div style="background:url(javascript:alert(1))">styled</div>' },
  { source: 'OWASP', text: '<style>@import "http://evil.example/x.css";</style>' },
  { source: 'OWASP', text: '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">entities</a>' },
  { source: 'DOMPurify', text: '<svg onload=alert(1)><script>alert(2)</script></svg>' },
  { source: 'DOMPurify', text: '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">svg link</text></a></svg>' },
  { source: 'DOMPurify', text: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>' },
  { source: 'DOMPurify', text: '<math href="javascript:alert(1)">math link</math>' },
  { source: 'DOMPurify', text: '<details open ontoggle=alert(1)>x</details>' },
  { source: 'DOMPurify', text: '<form><button formaction="javascript:alert(1)">go</button></form>' },
  { source: 'DOMPurify', text: '<noscript><p title="</noscript><img src=x onerror=alert(1)>">' },
  { source: 'markdown-it', text: '[plain](javascript:alert(1))' },
  { source: 'markdown-it', text: '[mixed case](JaVaScRiPt:alert(1))' },
  { source: 'markdown-it', text: '[entity colon](javascript&#58;alert(1))' },
  { source: 'markdown-it', text: '[entity letter](&#x6A;avascript:alert(1))' },
  { source: 'markdown-it', text: '[percent newline](java%0ascript:alert(1))' },
  { source: 'markdown-it', text: '[tab split](<java\tscript:alert(1)>)' },
  { source: 'markdown-it', text: '[leading space](< javascript:alert(1)>)' },
  { source: 'markdown-it', text: '[vb](vbscript:msgbox(1))' },
  { source: 'markdown-it', text: '[file](file:///etc/passwd)' },
  { source: 'markdown-it', text: '[data html](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)' },
  { source: 'markdown-it', text: '![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)' },
  { source: 'markdown-it', text: '![tracking pixel](https://evil.example/pixel.png)' },
  { source: 'markdown-it', text: '<javascript:alert(1)>' },
  { source: 'markdown-it', text: '[ref link][evil]\n[evil]: javascript:alert(1)' },
  { source: 'markdown-it', text: '[title breakout](https://ok.example "a\\" onmouseover=\\"alert(1)")' },
  { source: 'markdown-it', text: '```js" onmouseover="alert(1)\nconst x = "<img src=x onerror=alert(1)>";\n```' },
  { source: 'markdown-it', text: '- [x] <input onfocus=alert(1) autofocus> task' },
  { source: 'KaTeX', text: '$\\href{javascript:alert(1)}{click}$' },
  { source: 'KaTeX', text: '$$\\url{javascript:alert(1)}$$' },
  { source: 'KaTeX', text: '$\\htmlData{onload=alert(1)}{x}$ and $\\htmlStyle{background:url(javascript:alert(1))}{y}$' },
  { source: 'KaTeX', text: '$\\includegraphics{https://evil.example/x.png}$' },
  { source: 'reasoning', text: '<think><img src=x onerror=alert(1)> thinking</think>\n\n<a href="javascript:alert(1)">answer</a>' },
];

function hostileExport() {
  // A reply that starts with <think> shows it as a Reasoning block; the others say which case they are.
  const contents = PAYLOADS.flatMap((payload, index) => [
    payload.text,
    payload.text.startsWith('<think>') ? `${payload.text}\n\nafter` : `Case ${index} (${payload.source}):\n\n${payload.text}\n\nafter`,
  ]);
  return exportFileOf({
    ...linearConversation('hostile', '<img src=x onerror=alert(1)>', contents),
    systemPrompt: '<script>alert(1)</script>',
  });
}

test('hostile model output renders inert: no dialog, no script, no on* attribute, no unsafe URL, no request', async ({ chat, page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await chat.importConversations(hostileExport());
  await expect(chat.assistantMessages()).toHaveCount(PAYLOADS.length);
  await expect(chat.assistantMessages().last()).toContainText('after');
  // KaTeX loads when math first appears; until then math shows as its source. Check what KaTeX made of it.
  await expect(page.locator('.katex').first()).toBeVisible();
  await expect(page.locator('.math-source')).toHaveCount(0);
  // Give anything that would fire (onload, onerror, autofocus, meta refresh) its chance, and hover every message.
  for (const message of await chat.page.locator('[data-message-role]').all()) await message.hover();
  await page.getByText('Reasoning', { exact: true }).click();
  await page.waitForTimeout(500);

  const findings = await page.evaluate(() => {
    const problems: string[] = [];
    const unsafe = /^\s*(javascript|vbscript|data|file|blob):/i;
    for (const element of Array.from(document.querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith('on')) problems.push(`${element.tagName} has ${name}`);
        if (['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc'].includes(name) && unsafe.test(attribute.value)) {
          problems.push(`${element.tagName} ${name}=${attribute.value}`);
        }
      }
    }
    const log = document.querySelector('[role="log"]')!;
    for (const tag of ['script', 'iframe', 'object', 'embed', 'style', 'meta', 'base', 'form', 'img', 'svg:not(.katex *)', 'link']) {
      for (const element of Array.from(log.querySelectorAll(tag))) problems.push(`<${element.tagName.toLowerCase()}> in the conversation`);
    }
    if (document.querySelector('[style*="javascript"]')) problems.push('javascript in a style');
    if ((window as unknown as { __pwned?: number }).__pwned) problems.push('a payload ran');
    return { problems, title: document.title, links: Array.from(log.querySelectorAll('a')).map((a) => a.getAttribute('href')) };
  });
  expect(findings.problems).toEqual([]);
  expect(dialogs).toEqual([]);
  expect(findings.title).toBe('Airgap Chat');
  expect(findings.links.every((href) => href !== null && /^(https?:|mailto:|#)/.test(href))).toBe(true);
  // Raw HTML stays visible as text, so the person sees what the model wrote.
  await expect(chat.assistantMessages().first()).toContainText('<script>alert(1)</script>');
  await expect(page.getByRole('navigation', { name: 'Chats' })).toContainText('<img src=x onerror=alert(1)>');
  // The safe link of the title-breakout case kept its URL; its title is just text.
  expect(findings.links).toContain('https://ok.example/');
});

test('a malformed or hostile import file is refused with a message and changes nothing', async ({ chat, page }) => {
  await chat.importConversations(hostileExport(), 'good.json');
  await expect(chat.assistantMessages()).toHaveCount(PAYLOADS.length);
  const chats = page.getByRole('navigation', { name: 'Chats' }).getByRole('listitem');
  await expect(chats).toHaveCount(1);

  await chat.importConversations('{"format": "airgap-chat-conversations", "version": 1, "exportedAt": "x", "conversations": [{"id": "__proto__"}]}', 'bad.json');
  await expect(chat.alerts).toContainText('This export is damaged and was not imported');
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  await chat.importConversations('<html><script>alert(1)</script></html>', 'page.json');
  await expect(chat.alerts).toContainText('This file is not JSON');
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  // Refused from its size alone: the file is never read.
  const huge = test.info().outputPath('huge.json');
  await writeFile(huge, Buffer.alloc(51 * 1024 * 1024, ' '));
  await page.getByLabel('Import chats (JSON)').setInputFiles(huge);
  await expect(chat.alerts).toContainText('This file is larger than 50 MB, too large to be a conversation export. Nothing was changed.');
  await expect(chats).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Chats' }).getByRole('listitem')).toHaveCount(1);
  await expect(chat.assistantMessages()).toHaveCount(PAYLOADS.length);
});
