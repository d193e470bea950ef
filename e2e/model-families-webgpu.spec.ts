import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { twinOf } from '../scripts/fixtures/twins.mjs';
import { expect, HUB_ROOT, test } from './fixtures';

// The twins (scripts/fixtures/twins.mjs) on Chromium's software WebGPU adapter (SwiftShader: no shader-f16, so q4 is
// the first choice, then fp32): one per graph layout the catalog's exporters write.

const MAX_NEW_TOKENS = 8;

// Not here: Qwen3's twin (GroupQueryAttention, q4) loads and writes the reference's tokens on SwiftShader, but at
// a few seconds per token on a busy two-core machine, too slow for the suite.
const CASES: { realId: string; dtype: 'q4' | 'fp32' }[] = [
  // genai: MultiHeadAttention and RotaryEmbedding (its twin has fp32 weights only)
  { realId: 'HuggingFaceTB/SmolLM2-135M-Instruct', dtype: 'fp32' },
  // optimum: llama3 rotary inline, tied lm_head
  { realId: 'onnx-community/Llama-3.2-1B-Instruct', dtype: 'q4' },
];

for (const { realId, dtype } of CASES) {
  const twin = twinOf(realId);
  test(`WebGPU: the twin of ${realId} (${twin.family}) runs its ${dtype} weights and replies as the reference`, async ({ chat }) => {
    test.setTimeout(360_000);
    await chat.showPlainText();
    await chat.loadModel(twin.id);
    await chat.waitForLoaded(twin.id, 240_000); // SwiftShader compiles every kernel's shaders on the CPU
    await expect(chat.backend).toHaveText(`WebGPU · ${dtype}`);
    await chat.useGreedySampling(MAX_NEW_TOKENS);
    const messages = [{ role: 'user' as const, content: 'Hello' }];
    const expected = await referenceReply({ root: HUB_ROOT, repo: twin.id, dtype, messages, maxNewTokens: MAX_NEW_TOKENS });
    const { reply, stats } = await chat.ask('Hello');
    expect(reply).toBe(expected.text);
    console.log(`[figures] ${twin.id} WebGPU ${dtype}: ${await chat.loadedLine()} ${stats}`);
  });
}
