import { expect, test, TINY_CHAT } from './fixtures';

test('loading shows per-file progress in bytes and percent, and can be cancelled', async ({ chat, hub, page }) => {
  // Slow the hub down so the progress can be watched like a person would.
  hub.setFaults({ bytesPerSecond: 200_000 });
  await chat.loadModel(TINY_CHAT);
  const weights = page.getByRole('progressbar', { name: 'Download of onnx/model_quantized.onnx' });
  await expect(weights).toBeVisible();
  await expect(page.getByText(/^[\d.]+ kB of [\d.]+ kB \(\d+%\)$/).first()).toBeVisible();
  await expect(page.getByText(/^Loading airgap-test\/tiny-chat… .* of .* \d+%$/)).toBeVisible();
  await expect(chat.loadButton).toBeDisabled();

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(weights).toBeHidden();
  await expect(chat.alerts).toHaveCount(0);
  await expect(chat.backend).toHaveText('No model loaded');
  await expect(chat.loadButton).toBeEnabled();

  hub.setFaults({});
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
});
