import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { twinOf } from '../scripts/fixtures/twins.mjs';
import { expect, HUB_ROOT, parseStats, test, type ChatPage, type Turn } from './fixtures';

// The catalog's models as random-weight twins (scripts/fixtures/twins.mjs): each has the real repository's tokenizer,
// chat template, config and file layout, and a graph from its real exporter's family. Replies are greedy noise, but
// exact: each must equal transformers.js on onnxruntime-node token for token.

/** Enough tokens for varied text; few enough that the reference and the browser finish quickly. */
const MAX_NEW_TOKENS = 8;
const FIRST = 'Hello';
const SECOND = 'Tell me more, please: ünïcödé ✓';

type Dtype = 'fp32' | 'q8' | 'q4' | 'q4f16';

function reference(repo: string, dtype: Dtype, messages: Turn[], templateOptions: Record<string, unknown> = {}) {
  return referenceReply({ root: HUB_ROOT, repo, dtype, messages, maxNewTokens: MAX_NEW_TOKENS, templateOptions });
}

/** Loads a twin with greedy sampling and waits until it runs on `backend`; replies as plain text unless asked. */
async function loadTwin(chat: ChatPage, repo: string, backend: RegExp, { markdown = false } = {}) {
  if (!markdown) await chat.showPlainText();
  await chat.loadModel(repo);
  await chat.waitForLoaded(repo);
  await expect(chat.backend).toHaveText(backend);
  await chat.useGreedySampling(MAX_NEW_TOKENS);
}

/**
 * Two turns, each equal to the reference; the second starts from the first turn's KV cache. `asStored` is how the
 * app keeps a reply in the history (a reasoning reply keeps the <think> its template opened).
 */
async function twoTurns(chat: ChatPage, repo: string, dtype: Dtype, asStored = (text: string) => text) {
  const firstTurn: Turn[] = [{ role: 'user', content: FIRST }];
  const expectedFirst = await reference(repo, dtype, firstTurn);
  const first = await chat.ask(FIRST);
  expect(first.reply).toBe(expectedFirst.text);
  expect(parseStats(first.stats).tokens).toBe(expectedFirst.tokenIds.length);

  const secondTurn: Turn[] = [...firstTurn, { role: 'assistant', content: asStored(expectedFirst.text) }, { role: 'user', content: SECOND }];
  const expectedSecond = await reference(repo, dtype, secondTurn);
  const second = await chat.ask(SECOND);
  expect(second.reply).toBe(expectedSecond.text);
  expect(parseStats(second.stats).reusedTokens, 'the second turn starts from the first turn’s KV cache').toBeGreaterThan(0);
  return { first, second };
}

const WASM_CASES: { realId: string; dtype: Dtype }[] = [
  { realId: 'onnx-community/Qwen2.5-0.5B-Instruct', dtype: 'q8' },
  { realId: 'HuggingFaceTB/SmolLM2-360M-Instruct', dtype: 'fp32' },
  { realId: 'HuggingFaceTB/SmolLM2-135M-Instruct', dtype: 'fp32' },
  { realId: 'onnx-community/Llama-3.2-1B-Instruct', dtype: 'q8' },
  { realId: 'onnx-community/gemma-3-1b-it-ONNX', dtype: 'q8' },
];

for (const { realId, dtype } of WASM_CASES) {
  const twin = twinOf(realId);
  test(`WASM: the twin of ${realId} (${twin.family}, ${dtype}) replies as the reference for two turns, the second from the cache`, async ({ chat }) => {
    await loadTwin(chat, twin.id, new RegExp(`^WASM · ${dtype} · \\d+ threads?$`));
    const { first } = await twoTurns(chat, twin.id, dtype);
    console.log(`[figures] ${twin.id} WASM ${dtype}: ${await chat.loadedLine()} ${first.stats}`);
  });
}

test('WASM: the Qwen3 twin (genai, no position_ids) replies as the reference, and with “Think before answering” off as the reference without thinking', async ({
  chat,
  page,
}) => {
  const { id } = twinOf('onnx-community/Qwen3-0.6B-ONNX');
  // q8, as for the real repository: GroupQueryAttention on a float32 cache, which the app sends off its slow path
  await loadTwin(chat, id, /^WASM · q8 · \d+ threads?$/);
  await twoTurns(chat, id, 'q8');

  await page.getByRole('button', { name: 'New chat' }).click();
  await chat.useGreedySampling(MAX_NEW_TOKENS);
  const thinkSetting = page.getByRole('checkbox', { name: 'Think before answering' });
  await expect(thinkSetting, 'Qwen3’s template has a thinking switch').toBeChecked();
  await thinkSetting.uncheck();
  const expected = await reference(id, 'q8', [{ role: 'user', content: FIRST }], { enable_thinking: false });
  const { reply } = await chat.ask(FIRST);
  expect(reply).toBe(expected.text);
});

test('WASM: the DeepSeek-R1 twin’s template opens <think>, so its replies show as Reasoning equal to the reference', async ({ chat }) => {
  const { id } = twinOf('onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX');
  await loadTwin(chat, id, /^WASM · q4 · \d+ threads?$/, { markdown: true }); // plain text shows <think> as written
  const reasoningOf = (index: number) => chat.assistantMessages().nth(index).locator('details', { hasText: 'Reasoning' });
  const expectedFirst = await reference(id, 'q4', [{ role: 'user', content: FIRST }]);
  const first = await chat.ask(FIRST);
  expect(first.reply, 'everything the model wrote is inside the open <think>').toBe('');
  await reasoningOf(0).getByText('Reasoning', { exact: true }).click();
  expect(await reasoningOf(0).locator('.reasoning-text').textContent()).toBe(expectedFirst.text.trim());

  // The reply is kept with the <think> its template opened, and the template passes an unclosed block on.
  const history: Turn[] = [
    { role: 'user', content: FIRST },
    { role: 'assistant', content: `<think>\n${expectedFirst.text}` },
    { role: 'user', content: SECOND },
  ];
  const expectedSecond = await reference(id, 'q4', history);
  const second = await chat.ask(SECOND);
  await reasoningOf(1).getByText('Reasoning', { exact: true }).click();
  expect(await reasoningOf(1).locator('.reasoning-text').textContent()).toBe(expectedSecond.text.trim());
  expect(parseStats(second.stats).reusedTokens).toBeGreaterThan(0);
});

test('WASM: forced q4f16, the Qwen3 twin runs with its float16 KV cache, replies as the reference and reuses the cache', async ({
  chat,
  page,
}) => {
  const { id } = twinOf('onnx-community/Qwen3-0.6B-ONNX');
  await chat.openSettings();
  await page.getByLabel('Device').selectOption('wasm');
  await page.getByLabel('Weights (dtype)').selectOption('q4f16');
  await loadTwin(chat, id, /^WASM · q4f16 · \d+ threads?$/);
  const firstTurn: Turn[] = [{ role: 'user', content: FIRST }];
  const expectedFirst = await reference(id, 'q4f16', firstTurn);
  expect((await chat.ask(FIRST)).reply).toBe(expectedFirst.text);

  // In float16 a prefill on top of a reused cache rounds unlike the reference's single prefill, and with 151,936
  // candidates two logits are sometimes that close: the reply written from the cache is checked for reuse, and the
  // same turn regenerated without reuse must equal the reference.
  const second = await chat.ask(SECOND);
  expect(parseStats(second.stats).reusedTokens).toBeGreaterThan(0);
  expect(parseStats(second.stats).tokens).toBe(MAX_NEW_TOKENS);
  const expectedSecond = await reference(id, 'q4f16', [...firstTurn, { role: 'assistant', content: expectedFirst.text }, { role: 'user', content: SECOND }]);
  await page.getByRole('checkbox', { name: 'Reuse the previous turn’s cache' }).uncheck();
  const regenerated = chat.assistantMessages().last();
  await regenerated.getByRole('button', { name: 'Regenerate' }).click();
  await expect(regenerated.getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
  await expect(regenerated).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
  expect(await regenerated.locator('.content').textContent()).toBe(expectedSecond.text);
});

test('WASM: a prompt longer than a reading step (the Qwen2.5 twin’s 151,936 logits a row) is read in steps and replies as the reference', async ({
  chat,
  page,
}) => {
  const { id } = twinOf('onnx-community/Qwen2.5-0.5B-Instruct');
  await loadTwin(chat, id, /^WASM · q8 · \d+ threads?$/);
  // About 1,500 tokens: three steps of about 400 (256 MiB of logits and scores each), a shorter one, then the reply's own pass.
  const long = Array.from({ length: 130 }, (_, i) => `Sentence ${i + 1} of the long letter says little.`).join(' ');
  const expected = await reference(id, 'q8', [{ role: 'user', content: long }]);
  // Every "Reading the conversation" line the page shows, however briefly (a step of this tiny twin takes milliseconds).
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { readingLines: string[] }).readingLines = []);
    new MutationObserver(() => {
      document.querySelectorAll('[data-message-role="assistant"] .message-status label').forEach((line) => {
        const text = line.textContent?.trim() ?? '';
        if (text.startsWith('Reading') && seen.at(-1) !== text) seen.push(text);
      });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const { reply, stats } = await chat.ask(long);
  expect(parseStats(stats).promptTokens).toBeGreaterThan(1200);
  expect(reply).toBe(expected.text);
  const steps = await (await chat.engineWorker()).evaluate(() =>
    performance.getEntriesByName('prompt:step').map((entry) => (entry as PerformanceMeasure).detail as { from: number; to: number }),
  );
  const lengths = steps.map((step) => step.to - step.from);
  expect(lengths.slice(0, 3), 'steps of equal length').toEqual([steps[0].to, steps[0].to, steps[0].to]);
  // Then one step to all but the last 27 tokens, which the reply's own pass reads: 16 MiB of logits, the only ones
  // fetched (a graph without num_logits_to_keep makes a row for every position it reads).
  expect(lengths).toHaveLength(4);
  expect(parseStats(stats).promptTokens - steps[3].to).toBe(Math.floor(16 * 1024 ** 2 / (151_936 * 4)));
  const shown = await page.evaluate(() => (window as unknown as { readingLines: string[] }).readingLines);
  const total = parseStats(stats).promptTokens.toLocaleString('en');
  expect(shown, 'the reading progress was on screen, step by step').toEqual(
    expect.arrayContaining([`Reading the conversation: ${steps[0].to.toLocaleString('en')} of ${total} tokens`]),
  );
});
