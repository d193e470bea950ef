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

test('the CSP watcher hears of a violation inside the engine worker, where no page listener can see it', async ({ chat, page, cspReports }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  const before = cspReports.length;
  const worker = page.workers().find((candidate) => candidate.url().includes('engine'));
  expect(worker, 'the engine runs in a dedicated worker').toBeDefined();
  const outcome = await worker!.evaluate(() => fetch('https://third-party.invalid/beacon').then(() => 'sent', (error: Error) => error.name));
  expect(outcome, 'the worker is held to connect-src').toBe('TypeError');
  await expect.poll(() => cspReports.slice(before)).toEqual(['connect-src blocked https://third-party.invalid/beacon in ' + worker!.url()]);
  // The watcher is right to complain; take the report back so this test's own probe does not fail it.
  cspReports.length = before;
});
