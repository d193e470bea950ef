import { expect, test, TINY_CHAT, tinyChatReference, type Turn } from './fixtures';

test('WebGPU: the software adapter runs the q4 weights and the reply equals the Node reference', async ({ chat }) => {
  test.setTimeout(240_000);
  await chat.showPlainText();
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  // SwiftShader has no shader-f16, and the fixture has no q4f16 file anyway: q4 is the first choice.
  await expect(chat.backend).toHaveText('WebGPU · q4');

  const { reply, stats } = await chat.ask('Hello');
  const expected = await tinyChatReference([{ role: 'user', content: 'Hello' }], 'q4');
  expect(reply).toBe(expected.text);
  console.log(`[figures] WebGPU q4: ${await chat.loadedLine()} ${stats}`);
});

test('switching between WebGPU and WASM loads each in the onnxruntime build it runs best on, with the same replies', async ({ chat, page }) => {
  test.setTimeout(300_000);
  // onnxruntime's threads are workers started from its build's .mjs.
  const runtimeThreads = () => page.workers().map((worker) => worker.url()).filter((url) => url.includes('ort-wasm-simd-threaded'));
  await chat.showPlainText();
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await expect(chat.backend).toHaveText('WebGPU · q4');
  expect(runtimeThreads().length).toBeGreaterThan(0);
  expect(runtimeThreads().every((url) => url.includes('asyncify'))).toBe(true);

  // The worker that runs WebGPU holds the asyncify build; WASM's plain build comes with a fresh worker.
  await chat.openSettings();
  await page.getByLabel('Device').selectOption('wasm');
  await chat.loadModel(TINY_CHAT);
  await expect(chat.backend).toHaveText(/^WASM · q8/, { timeout: 90_000 });
  // The old worker's threads can linger in the list a moment after it was terminated: wait for them to be gone.
  await expect
    .poll(() => {
      const threads = runtimeThreads();
      return threads.length > 0 && !threads.some((url) => url.includes('asyncify'));
    }, { message: 'only the plain build’s threads run' })
    .toBe(true);
  const { reply } = await chat.ask('Hello');
  expect(reply).toBe((await tinyChatReference([{ role: 'user', content: 'Hello' }])).text);

  await page.getByLabel('Device').selectOption('webgpu');
  await chat.loadModel(TINY_CHAT);
  await expect(chat.backend).toHaveText('WebGPU · q4', { timeout: 90_000 });
  await expect(chat.alerts).toHaveCount(0);
});

test('a lost GPU (its process crashed) keeps the chat, loads the model on WebGPU again, and after a second loss on WASM, saying so', async ({
  chat,
  browser,
}) => {
  test.setTimeout(300_000);
  // What a driver reset or a sleeping laptop does to a page: the browser's GPU process goes, and every device with it.
  const crashGpuProcess = async () => (await browser.newBrowserCDPSession()).send('Browser.crashGpuProcess');
  const history: Turn[] = [];
  /** Asks in the same chat; the reply must be the reference's for the whole conversation so far. */
  const askAndCompare = async (text: string) => {
    history.push({ role: 'user', content: text });
    const expected = await tinyChatReference(history, 'q4');
    expect((await chat.ask(text)).reply).toBe(expected.text);
    history.push({ role: 'assistant', content: expected.text });
  };
  await chat.showPlainText();
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await expect(chat.backend).toHaveText('WebGPU · q4');
  await askAndCompare('Hello');

  await crashGpuProcess();
  await expect(chat.alerts.filter({ hasText: `Your chats are kept; ${TINY_CHAT} is being loaded on WebGPU again.` })).toBeVisible();
  await expect(chat.backend).toHaveText('WebGPU · q4', { timeout: 120_000 });
  await askAndCompare('Still there?');

  await crashGpuProcess();
  await expect(chat.alerts.filter({ hasText: `It happened again, so ${TINY_CHAT} is being loaded on WASM (the CPU)` })).toBeVisible();
  await expect(chat.backend).toHaveText(/^WASM · q4/, { timeout: 120_000 });
  await askAndCompare('And now?');
  await expect(chat.userMessages()).toHaveCount(3);
});
