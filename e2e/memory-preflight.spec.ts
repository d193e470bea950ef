import { expect, test, TINY_CHAT } from './fixtures';

// The least the configuration accepts: less than the runtime alone needs, so no model fits.
test.use({ appConfig: { modelMemoryBytes: 2 ** 26 } });

test('a model that would not fit the memory the deployment allows is refused before any weights are requested', async ({ chat, requestWatch }) => {
  await chat.loadModel(TINY_CHAT);
  await expect(chat.alerts).toContainText(
    /This model's q8 weights \(.* GB\) and a conversation of 1024 tokens need .* GB while it runs, more than the 0\.1 GB that this deployment allows a model\. Nothing was downloaded\. Choose a smaller model\./,
  );
  await expect(chat.page.getByText(/^Loaded /)).toHaveCount(0);
  expect(requestWatch.urls.filter((url) => url.includes('/onnx/')), 'weights requested').toEqual([]);
  // The repository's small files were read to judge it; the message is the only thing the load left on screen.
  expect(requestWatch.urls.some((url) => url.endsWith('/config.json') && url.includes(TINY_CHAT))).toBe(true);
});
