import { referenceReply } from '../scripts/fixtures/reference.mjs';
import { twinOf } from '../scripts/fixtures/twins.mjs';
import { expect, HUB_ROOT, test } from './fixtures';

// The twins (scripts/fixtures/twins.mjs) on Chromium's software WebGPU adapter (SwiftShader: no shader-f16, so q4 is
// the first choice): one per graph layout the catalog's exporters write.

const MAX_NEW_TOKENS = 8;

const CASES = [
  'onnx-community/Qwen3-0.6B-ONNX', // genai: GroupQueryAttention with rotary inside, no position_ids, q/k norms
  'HuggingFaceTB/SmolLM2-135M-Instruct', // genai: MultiHeadAttention and RotaryEmbedding
  'onnx-community/Llama-3.2-1B-Instruct', // optimum: llama3 rotary inline, tied lm_head
];

for (const realId of CASES) {
  const twin = twinOf(realId);
  test(`WebGPU: the twin of ${realId} (${twin.family}) runs its q4 weights and replies as the reference`, async ({ chat }) => {
    test.setTimeout(240_000);
    await chat.showPlainText();
    await chat.loadModel(twin.id);
    await chat.waitForLoaded(twin.id);
    await expect(chat.backend).toHaveText('WebGPU · q4');
    await chat.useGreedySampling(MAX_NEW_TOKENS);
    const messages = [{ role: 'user' as const, content: 'Hello' }];
    const expected = await referenceReply({ root: HUB_ROOT, repo: twin.id, dtype: 'q4', messages, maxNewTokens: MAX_NEW_TOKENS });
    const { reply, stats } = await chat.ask('Hello');
    expect(reply).toBe(expected.text);
    console.log(`[figures] ${twin.id} WebGPU q4: ${await chat.loadedLine()} ${stats}`);
  });
}
