import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { expect, HUB_ROOT, test, TINY_CHAT, tinyChatReference } from './fixtures';
import { storedFiles } from './stored-files';

// These repositories hold the tiny chat's weights in other layouts, so their replies must equal its reference.

test('weights in an external-data file load from the listing alone, and the reply equals the reference', async ({ chat, hub }) => {
  const repo = 'airgap-test/tiny-chat-external-data';
  await chat.showPlainText();
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  expect(hub.stats.requests.some((request) => request.path.endsWith('/onnx/model_quantized.onnx_data'))).toBe(true);
  const { reply } = await chat.ask('Hello');
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content: 'Hello' }])).text);
});

test('a chat template kept in chat_template.jinja is used, and the reply equals the reference', async ({ chat }) => {
  const repo = 'airgap-test/tiny-chat-template-file';
  await chat.showPlainText();
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  const { reply } = await chat.ask('Hello');
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content: 'Hello' }])).text);
});

test('a model with no chat template is refused before its weights are downloaded, and nothing is left stored', async ({
  chat,
  hub,
  page,
}) => {
  await chat.loadModel('airgap-test/tiny-base');
  await expect(chat.alerts).toContainText('“airgap-test/tiny-base” has no chat template');
  await expect(chat.alerts).toContainText('Choose an instruction-tuned version');
  await expect(chat.backend).toHaveText('No model loaded');
  expect(hub.stats.requests.filter((request) => request.path.includes('/onnx/'))).toEqual([]);
  expect(await storedFiles(page)).toEqual([]);
  await expect(page.getByRole('region', { name: 'Stored models' })).toContainText('No models are stored yet');
});

test('a chat template that loops is tried in a worker of its own and refused within seconds, before any weights', async ({ chat, hub, page }) => {
  const repo = 'airgap-test/looping-template';
  await chat.loadModel(repo);
  await expect(chat.alerts).toContainText(
    `The chat template of “${repo}” did not finish formatting a four-message conversation within 3 s: it may loop without end, so this model is not loaded.`,
    { timeout: 20_000 },
  );
  await expect(chat.backend).toHaveText('No model loaded');
  expect(hub.stats.requests.filter((request) => request.path.includes('/onnx/'))).toEqual([]);
  expect(await storedFiles(page)).toEqual([]);
  // The engine was never stuck: a good model loads and answers right after.
  await chat.loadForComparison(TINY_CHAT);
  expect((await chat.ask('Hello')).reply).toBe((await tinyChatReference([{ role: 'user', content: 'Hello' }])).text);
});

test('a chat template that writes a huge text is refused before any weights', async ({ chat, hub, page }) => {
  const repo = 'airgap-test/huge-template';
  await chat.loadModel(repo);
  await expect(chat.alerts).toContainText(
    `The chat template of “${repo}” turned a four-message conversation into more than 1 million characters, so this model is not loaded.`,
    { timeout: 20_000 },
  );
  await expect(chat.backend).toHaveText('No model loaded');
  expect(hub.stats.requests.filter((request) => request.path.includes('/onnx/'))).toEqual([]);
  expect(await storedFiles(page)).toEqual([]);
});

test('a template that opens the reasoning for the model: the reply shows as Reasoning and equals the reference', async ({
  chat,
  page,
}) => {
  const repo = 'airgap-test/tiny-reasoner';
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  const messages = [{ role: 'user' as const, content: 'Hello' }];
  const expected = await referenceReply({ root: HUB_ROOT, repo, dtype: 'q8', messages, maxNewTokens: 32 });
  const { reply } = await chat.ask('Hello');
  expect(reply).toBe('');
  const reasoning = chat.assistantMessages().first().locator('details', { hasText: 'Reasoning' });
  await reasoning.getByText('Reasoning', { exact: true }).click();
  expect(await reasoning.locator('.reasoning-text').textContent()).toBe(expected.text.trim());
  await expect(page.getByText('Reasoning…', { exact: true }), 'it is not still thinking once the reply ended').toHaveCount(0);
});

test('a template with a thinking switch gets a “Think before answering” setting; off, the model answers without reasoning', async ({
  chat,
  page,
}) => {
  const thinkSetting = page.getByRole('checkbox', { name: 'Think before answering' });
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.openSettings();
  await expect(thinkSetting, 'the tiny chat’s template has no switch').toHaveCount(0);

  const repo = 'airgap-test/tiny-reasoner';
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  await expect(thinkSetting).toBeChecked();
  await thinkSetting.uncheck();
  const messages = [{ role: 'user' as const, content: 'Hello' }];
  const expected = await referenceReply({ root: HUB_ROOT, repo, dtype: 'q8', messages, maxNewTokens: 32, templateOptions: { enable_thinking: false } });
  const { reply } = await chat.ask('Hello');
  expect(reply).toBe(expected.text.trim());
  await expect(chat.assistantMessages().first().getByText('Reasoning', { exact: true })).toHaveCount(0);

  await page.reload();
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  await chat.openSettings();
  await expect(thinkSetting, 'the chat keeps its setting').not.toBeChecked();
});
