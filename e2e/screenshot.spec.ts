import { exportFileOf, linearConversation } from './export-files';
import { expect, test, TINY_CHAT } from './fixtures';

/**
 * The README opens with this picture, so it is taken here, from the production build, and stays current: a chat
 * imported for the picture (the tiny test model writes noise) next to the tiny model loaded on WASM.
 */
const SCREENSHOT = 'docs/screenshot.png';

const turns = [
  'Which weights should I pick for a laptop without a GPU?',
  '<think>\nNo GPU means WebAssembly on the CPU. Compare the dtypes by speed there.\n</think>\n\n' +
    'On the CPU, **q8** is usually the best choice:\n\n' +
    '| dtype | size (0.5B model) | speed on WASM |\n|---|---|---|\n' +
    '| q8 | 0.5 GB | fastest |\n| q4 | 0.8 GB | several times slower |\n| fp32 | 2.0 GB | slow, exact |\n\n' +
    'Set it under **Settings → Weights (dtype)**, for example:\n\n```json\n{ "dtype": "q8", "device": "wasm" }\n```',
  'And once it is downloaded, does it work offline?',
  'Yes. The weights stay in this browser, so the model loads and answers without a network — nothing you type ' +
    'leaves the tab.',
];

test.use({ viewport: { width: 1280, height: 800 } });

test('the README screenshot: a chat with Markdown, reasoning and a loaded model, with nothing cut off', async ({ chat, page }) => {
  await chat.importConversations(exportFileOf(linearConversation('picture', 'Weights for a laptop', turns)));
  await page.getByText('Import and export', { exact: true }).click(); // folds the section away again
  await page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: 'Weights for a laptop', exact: true }).click();
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);

  await expect(chat.backend).toHaveText(/^WASM · q8/);
  await expect(chat.assistantMessages().first().getByRole('table')).toBeVisible();
  await expect(chat.assistantMessages().first().getByText('Reasoning')).toBeVisible();
  await expect(chat.message).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'nothing sticks out sideways').toBeLessThanOrEqual(0);
  await page.screenshot({ path: SCREENSHOT });
});
