import { expect, test, TINY_CHAT } from './fixtures';

test('the request watcher sees the worker traffic: ORT files from our origin, weights from the hub', async ({ chat, requestWatch, app, hub }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.ask('Hello');
  const appOrigin = new URL(app.url).origin;
  expect(requestWatch.urls.some((url) => url.startsWith(appOrigin) && /ort-wasm-simd-threaded.*\.wasm$/.test(url))).toBe(true);
  expect(requestWatch.urls.some((url) => url.startsWith(hub.url) && url.endsWith('/onnx/model_quantized.onnx'))).toBe(true);
  expect(requestWatch.foreign()).toEqual([]);
});

test('the request watcher catches and blocks a request to any other host', async ({ page, requestWatch }) => {
  await page.goto('http://third-party.invalid/tracker.js').catch(() => {});
  expect(requestWatch.foreign()).toEqual(['http://third-party.invalid/tracker.js']);
  // The watcher is right to complain; empty its list so this test's own probe does not fail it.
  requestWatch.urls.length = 0;
});
