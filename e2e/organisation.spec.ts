import { ChatPage, expect, test, TINY_CHAT } from './fixtures';
import { startOwnAppServer } from './own-app-server';

// The shared app server of this file serves a configuration with mistakes.
test.use({ appConfig: { catalog: [], allowedModels: [TINY_CHAT], defaultModel: 'someone/else', title: 42, accentColor: 'red; background: url(x)' } });

test('a configuration with mistakes shows every problem, keeps safe defaults, and still enforces the allow-list', async ({ chat, hub }) => {
  const problems = chat.page.getByRole('alert').filter({ hasText: "The app's configuration has problems" });
  await expect(problems).toContainText('defaultModel is not in allowedModels');
  await expect(problems).toContainText('title must be a text');
  await expect(problems).toContainText('accentColor must be a colour');
  await expect(chat.page.getByRole('heading', { name: 'Airgap Chat' })).toBeVisible();
  await expect(chat.modelId).toHaveValue('');

  hub.resetStats();
  await chat.loadModel('airgap-test/tiny-chat-fp32-only');
  await expect(chat.alerts.filter({ hasText: '“airgap-test/tiny-chat-fp32-only” is not one of the models this deployment allows' })).toBeVisible();
  expect(hub.stats.requests, 'a refused model is not even looked up').toEqual([]);
});

test('the organisation’s title and accent colour', async ({ page, hub, watchers }) => {
  const app = await startOwnAppServer(watchers, { config: { hubUrl: hub.url, catalog: [], title: 'ACME Chat', accentColor: '#8b1f3f' } });
  try {
    const chat = new ChatPage(page);
    await page.goto(app.url);
    await expect(page.getByRole('heading', { name: 'ACME Chat' })).toBeVisible();
    await expect(page).toHaveTitle('ACME Chat');
    await expect(chat.loadButton).toHaveCSS('background-color', 'rgb(139, 31, 63)');
    await expect(chat.loadButton).toHaveCSS('color', 'rgb(255, 255, 255)');
  } finally {
    await app.close();
  }
});
