import type { Tensor } from '@huggingface/transformers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GenerateParams } from '../shared/protocol';
import type { ChatSession } from './model-loader';
import { ReplyGenerator } from './reply-generator';
import { TurnCache } from './turn-cache';

const EOS = 0;

/** One token per character, and a template of `<role>text</role>` turns. */
const tokenizer = {
  chat_template: 'turns',
  eos_token_id: EOS,
  all_special_ids: [EOS],
  encode: (text: string) => Array.from(text, (char) => char.codePointAt(0)!),
  decode: (ids: number[]) => String.fromCodePoint(...ids.filter((id) => id !== EOS)),
  apply_chat_template: (messages: { role: string; content: string }[]) =>
    tokenizer.encode(`${messages.map(({ role, content }) => `<${role}>${content}</${role}>`).join('')}<assistant>`),
};

interface Streamer {
  put(value: bigint[][]): void;
  end(): void;
}

/** A model that writes "ok" and an end token, a token a step, and stops when its stopping criteria are interrupted. */
function writingModel() {
  return {
    generation_config: { eos_token_id: EOS },
    // No onnxruntime sessions: dimensions are unknown here, so the prompt is read in one pass.
    sessions: {},
    config: {},
    generate: async (options: Record<string, unknown>) => {
      const streamer = options.streamer as Streamer;
      const prompt = Array.from((options.input_ids as Tensor).data as BigInt64Array);
      streamer.put([prompt]);
      const written = [...prompt];
      for (const id of [...tokenizer.encode('ok'), EOS]) {
        if ((options.stopping_criteria as { interrupted: boolean }).interrupted) break;
        streamer.put([[BigInt(id)]]);
        written.push(BigInt(id));
      }
      streamer.end();
      return options.return_dict_in_generate
        ? { sequences: { tolist: () => [written] }, past_key_values: { get_seq_length: () => written.length, dispose: async () => {} } }
        : { tolist: () => [written] };
    },
  };
}

function session(model: ReturnType<typeof writingModel>): ChatSession {
  const info = { contextLength: 4096, thinkingSwitch: false };
  return { model, tokenizer, info, weightBytes: 1e6, dimensions: null } as unknown as ChatSession;
}

const quiet = { expectQuiet: () => {}, endQuiet: () => {} };

function params(reuseCache: boolean): GenerateParams {
  return { messages: [{ role: 'user', content: 'Hi' }], settings: { maxNewTokens: 8, doSample: false }, reuseCache };
}

describe('ReplyGenerator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the reply and says why it ended', async () => {
    const model = writingModel();
    const result = await new ReplyGenerator(quiet).generate(session(model), params(true), () => {}, new AbortController().signal);
    expect(result.text).toBe('ok');
    expect(result.stats).toMatchObject({ generatedTokens: 3, stopReason: 'eos' });
  });

  // The previous turn's cache is taken (reuse on) or freed (reuse off) before the reply starts; a Stop pressed then
  // came before the reply listened for one, and the model wrote on.
  for (const [step, reuseCache] of [['take', true], ['clear', false]] as const) {
    it(`a Stop that comes while the previous turn's cache is ${step === 'take' ? 'taken' : 'freed'} stops the reply before it starts`, async () => {
      const model = writingModel();
      const controller = new AbortController();
      vi.spyOn(TurnCache.prototype, step).mockImplementation(async () => {
        controller.abort();
        return null;
      });
      const texts: string[] = [];
      const onProgress = (progress: { type: string; text?: string }) => void (progress.type === 'text' && texts.push(progress.text!));
      const result = await new ReplyGenerator(quiet).generate(session(model), params(reuseCache), onProgress, controller.signal);
      expect(result.text).toBe('');
      expect(texts).toEqual([]);
      expect(result.stats).toMatchObject({ generatedTokens: 0, stopReason: 'user' });
    });
  }

  it('a reply that fails hands on the text it had written', async () => {
    const model = writingModel();
    model.generate = async (options) => {
      const streamer = options.streamer as Streamer;
      streamer.put([Array.from((options.input_ids as Tensor).data as BigInt64Array)]);
      for (const id of tokenizer.encode('ok')) streamer.put([[BigInt(id)]]);
      throw new Error('out of memory');
    };
    const texts: string[] = [];
    const onProgress = (progress: { type: string; text?: string }) => void (progress.type === 'text' && texts.push(progress.text!));
    const generating = new ReplyGenerator(quiet).generate(session(model), params(false), onProgress, new AbortController().signal);
    await expect(generating).rejects.toThrow('Generation failed: out of memory');
    expect(texts.join('')).toBe('ok');
  });
});
