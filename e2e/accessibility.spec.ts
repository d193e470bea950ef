import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { exportFileOf } from './export-files';
import { expect, test, TINY_CHAT } from './fixtures';

/** Serious and critical WCAG 2.x A/AA problems axe-core finds on the page as it is now. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

const MARKDOWN_REPLY = [
  '## A heading',
  'Some **bold** text, a [link](https://example.org) and `inline code`.',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '- [x] done\n- [ ] to do',
  '```js\nconst answer = 42;\n```',
  '$$\\int_0^1 x^2\\,dx = \\tfrac13$$',
].join('\n\n');

function exportWith(reply: string) {
  return exportFileOf({
    id: 'a11y',
    title: 'Rendering sample',
    messages: {
      q: { id: 'q', parentId: null, role: 'user', content: 'Show me Markdown', status: 'done', createdAt: 1 },
      r: { id: 'r', parentId: 'q', role: 'assistant', content: `<think>Planning the answer.</think>\n\n${reply}`, status: 'done', createdAt: 2 },
      r2: { id: 'r2', parentId: 'q', role: 'assistant', content: 'Another version', status: 'interrupted', createdAt: 3 },
    },
    leafId: 'r',
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical problems in the main views (${scheme})`, async ({ chat, page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page), 'empty app').toEqual([]);

    await chat.importConversations(exportWith(MARKDOWN_REPLY));
    await expect(chat.assistantMessages()).toHaveCount(1);
    await expect(page.locator('.katex').first()).toBeVisible();
    await chat.openSettings();
    await chat.openSection('Import and export');
    expect(await seriousViolations(page), 'a conversation with Markdown, math, branches, settings and import/export open').toEqual([]);

    await page.getByRole('button', { name: 'Rename “Rendering sample”' }).click();
    await chat.userMessages().getByRole('button', { name: 'Edit' }).click();
    expect(await seriousViolations(page), 'rename and edit forms').toEqual([]);
  });
}

test('a phone-sized screen folds the side panel away for the chat, reaches every control by keyboard, Enter sends and Escape stops', async ({
  chat,
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const panel = page.getByRole('complementary', { name: 'Model and settings' });
  const panelToggle = page.getByRole('button', { name: 'Chats and settings' });
  await expect(panel, 'a model has to be picked first').toBeVisible();
  await expect(panelToggle).toHaveAttribute('aria-expanded', 'true');
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await expect(panel, 'once a model is loaded the chat takes the screen').toBeHidden();
  await expect(panelToggle).toHaveAttribute('aria-expanded', 'false');
  await expect(chat.message).toBeInViewport();
  expect(await seriousViolations(page), 'phone-sized screen').toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);

  await chat.message.focus();
  await page.keyboard.type('First line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await page.keyboard.press('Enter');
  await expect(chat.userMessages().locator('.content')).toHaveText('First line\nsecond line');
  await expect(chat.assistantMessages().last()).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });

  await panelToggle.click();
  await expect(panel).toBeVisible();
  await chat.openSettings();
  await page.getByLabel('Max new tokens').fill('1500');
  await chat.message.fill('Keep going');
  await chat.message.press('Enter');
  await expect(chat.assistantMessages().last().locator('.content')).toHaveText(/.{20}/s);
  await chat.message.press('Escape');
  await expect(chat.assistantMessages().last().getByText('Stopped')).toBeVisible();

  // Every button, field and link can be reached with Tab and has a name.
  const unreachable = await page.evaluate(() =>
    Array.from(document.querySelectorAll('button, input, select, textarea, a[href], summary'))
      .filter((element) => (element as HTMLElement).tabIndex < 0 && !(element as HTMLButtonElement).disabled)
      .map((element) => element.outerHTML.slice(0, 80)),
  );
  expect(unreachable).toEqual([]);

  // Picking a chat shows it.
  await page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: 'First line', exact: true }).click();
  await expect(panel).toBeHidden();
  await expect(chat.userMessages().first()).toBeInViewport();
});
