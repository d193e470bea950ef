import { STREAM_RENDER_GAP_MS } from '../src/store/frame-batcher';
import { expect, test, TINY_CHAT } from './fixtures';

// Playwright's trace snapshots and its expect polling (which computes an accessibility snapshot each time it retries)
// run on the page's own main thread: they would be among the long tasks measured here. So no trace, and the wait for
// the reply runs in the page.
test.use({ trace: 'off' });

test('a long streaming reply renders at most once per animation frame and per 250 ms, with no long main-thread task', async ({ chat, page }) => {
  await chat.loadModel(TINY_CHAT);
  await chat.waitForLoaded(TINY_CHAT);
  await chat.openSettings();
  await page.getByLabel('Max new tokens').fill('1500');

  await page.evaluate(() => {
    const probe = { longest: 0, longestFrame: '', longestFrameMs: 0, frames: 0, renders: 0, running: true };
    (window as unknown as { probe: typeof probe }).probe = probe;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.longest = Math.max(probe.longest, entry.duration);
    }).observe({ type: 'longtask' });
    // What the longest animation frame spent its time on, so a failure says whose task it was.
    type Script = { invoker: string; duration: number };
    new PerformanceObserver((list) => {
      for (const frame of list.getEntries() as (PerformanceEntry & { scripts: Script[]; renderStart: number })[]) {
        if (frame.duration <= probe.longestFrameMs) continue;
        probe.longestFrameMs = frame.duration;
        const scripts = frame.scripts.map((script) => `${script.invoker} ${Math.round(script.duration)} ms`);
        const rendering = frame.startTime + frame.duration - frame.renderStart;
        probe.longestFrame = `${Math.round(frame.duration)} ms: ${[...scripts, `rendering ${Math.round(rendering)} ms`].join(', ')}`;
      }
    }).observe({ type: 'long-animation-frame' });
    const countFrame = () => {
      probe.frames++;
      if (probe.running) requestAnimationFrame(countFrame);
    };
    requestAnimationFrame(countFrame);
    // One callback per task that changed the conversation: a render that reached the DOM.
    new MutationObserver(() => probe.renders++).observe(document.querySelector('main')!, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  await chat.message.fill('Write a long story');
  const sentAt = Date.now();
  await chat.sendButton.click();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('[data-message-role="assistant"]')).at(-1)?.getAttribute('aria-busy') === 'false',
    undefined,
    { polling: 100, timeout: 110_000 },
  );
  const reply = chat.assistantMessages().last();
  const streamingMs = Date.now() - sentAt;
  const probe = await page.evaluate(() => {
    const p = (window as unknown as { probe: { longest: number; longestFrame: string; frames: number; renders: number; running: boolean } }).probe;
    p.running = false;
    return p;
  });
  const stats = (await reply.locator('.stats').textContent()) ?? '';
  const characters = ((await reply.locator('.content').textContent()) ?? '').length;
  console.log(
    `[figures] streaming ${stats.split(' · ')[0]} (${characters} characters rendered as Markdown): ` +
      `longest main-thread task ${Math.round(probe.longest)} ms (0 = none over 50 ms; longest frame ${probe.longestFrame || 'none over 50 ms'}), ${probe.renders} DOM updates in ${probe.frames} frames, ${streamingMs} ms`,
  );
  expect(stats).toMatch(/^1500 tokens/);
  // A few extra updates come from the send itself and the end of the reply (status, stats, buttons).
  expect(probe.renders).toBeLessThanOrEqual(Math.min(probe.frames, streamingMs / STREAM_RENDER_GAP_MS) + 10);
  // The aim is none over 50 ms: on the 2-core machine this was written on, none in 10 runs. The margin is for a slower
  // CI machine: one ran this reply 3.4 times slower (9.2 s) and saw an 89 ms task, then with Playwright's polling on
  // the main thread; here, under a 3.4× CPU throttle, the longest were 0–80 ms. What this guards against is far
  // longer: before the Markdown pipeline was warmed up at idle, the first render took 79–139 ms here, and re-parsing a
  // long block whole made tasks of 50–477 ms.
  expect(probe.longest).toBeLessThan(100);
});
