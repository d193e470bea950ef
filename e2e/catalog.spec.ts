import { statSync } from 'node:fs';
import { expect, HUB_ROOT, test, TINY_CHAT } from './fixtures';

test.use({
  appConfig: {
    defaultModel: 'airgap-test/tiny-chat-fp32-only',
    catalog: [
      { id: 'airgap-test/tiny-chat-fp32-only', label: 'Tiny chat, fp32 only', sizes: { fp32: 1 } },
      { id: TINY_CHAT, label: 'Tiny chat', description: 'all three dtypes' },
    ],
  },
});

function kB(path: string): string {
  // The fixture files are a few hundred kB; sizes of 100 and more are shown without decimals.
  return `${Math.round(statSync(`${HUB_ROOT}/${TINY_CHAT}/${path}`).size / 1000)} kB`;
}

test('the catalog preselects the default model, shows sizes per dtype from the hub, and loads a pick', async ({ chat, page }) => {
  await expect(chat.modelId).toHaveValue('airgap-test/tiny-chat-fp32-only');
  await expect(page.getByRole('radio', { name: /Tiny chat, fp32 only/ })).toBeChecked();

  await page.getByRole('radio', { name: /^Tiny chat — all three dtypes/ }).check();
  await expect(chat.modelId).toHaveValue(TINY_CHAT);
  const sizes = `fp32 ${kB('onnx/model.onnx')} · q8 ${kB('onnx/model_quantized.onnx')} · q4 ${kB('onnx/model_q4.onnx')}`;
  await expect(page.getByText(sizes)).toBeVisible();

  await chat.loadButton.click();
  await chat.waitForLoaded(TINY_CHAT);
  await expect(chat.backend).toHaveText(/^WASM · q8/);
});
