import { expect, test, TINY_CHAT } from './fixtures';
import { storedFiles } from './stored-files';

test.describe('bad input gets a clear message and the app stays usable', () => {
  test('a repository that does not exist', async ({ chat }) => {
    await chat.loadModel('airgap-test/does-not-exist');
    await expect(chat.alerts).toContainText('The model “airgap-test/does-not-exist” was not found');
    await expect(chat.backend).toHaveText('No model loaded');
    await chat.loadModel(TINY_CHAT);
    await chat.waitForLoaded(TINY_CHAT);
  });

  test('a repository without ONNX weights', async ({ chat }) => {
    await chat.loadModel('airgap-test/no-onnx');
    await expect(chat.alerts).toContainText('“airgap-test/no-onnx” has no ONNX weights');
    await expect(chat.loadButton).toBeEnabled();
  });

  test('a vision-language model, refused from its listing before anything is downloaded', async ({ chat, hub }) => {
    await chat.loadModel('airgap-test/tiny-vision');
    await expect(chat.alerts).toContainText('“airgap-test/tiny-vision” is a vision-language model (it has a vision encoder)');
    await expect(chat.alerts).toContainText('Airgap Chat runs text-only chat models');
    expect(hub.stats.requests.filter((request) => request.path.includes('/resolve/'))).toEqual([]);
    await expect(chat.loadButton).toBeEnabled();
  });

  test('a tokenizer of a kind nobody knows: a clear message, no weights downloaded, nothing kept', async ({ chat, hub, page }) => {
    await chat.loadModel('airgap-test/broken-tokenizer');
    await expect(chat.alerts).toContainText('The tokenizer of “airgap-test/broken-tokenizer” could not be read');
    expect(hub.stats.requests.filter((request) => request.path.includes('/onnx/'))).toEqual([]);
    expect(await storedFiles(page)).toEqual([]);
    await expect(chat.loadButton).toBeEnabled();
  });

  test('something that is not a model id', async ({ chat }) => {
    await chat.loadModel('not a model id');
    await expect(chat.alerts).toContainText('is not a Hugging Face model id');
  });

  test('a hub that answers with an HTML page instead of JSON', async ({ chat, hub }) => {
    hub.setFaults({ html: true });
    await chat.loadModel(TINY_CHAT);
    await expect(chat.alerts).toContainText('answered with a web page instead of model data');

    hub.setFaults({});
    await chat.page.getByRole('button', { name: 'Dismiss message' }).click();
    await expect(chat.alerts).toHaveCount(0);
    await chat.loadModel(TINY_CHAT);
    await chat.waitForLoaded(TINY_CHAT);
    const { reply } = await chat.ask('Hello');
    expect(reply.length).toBeGreaterThan(0);
  });

  test('a hub that cannot be reached', async ({ chat, hub }) => {
    hub.setFaults({ offline: true });
    await chat.loadModel(TINY_CHAT);
    await expect(chat.alerts).toContainText('Could not reach the model hub');
  });

  test('a forced dtype the repository does not offer', async ({ chat, page }) => {
    await chat.openSettings();
    await page.getByLabel('Weights (dtype)').selectOption('q4f16');
    await chat.loadModel(TINY_CHAT);
    await expect(chat.alerts).toContainText('has no q4f16 weights. It offers: fp32, q8, q4');
  });
});

test('a repository that lacks the preferred dtype falls back to one it offers', async ({ chat }) => {
  await chat.loadModel('airgap-test/tiny-chat-fp32-only');
  await chat.waitForLoaded('airgap-test/tiny-chat-fp32-only');
  await expect(chat.backend).toHaveText(/^WASM · fp32 · \d+ threads?$/);
});
