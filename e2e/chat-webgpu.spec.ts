import { expect, test, TINY_CHAT, tinyChatReference } from './fixtures';

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
