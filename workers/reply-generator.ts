import { InterruptableStoppingCriteria, Tensor, type DynamicCache, type PreTrainedTokenizer } from '@huggingface/transformers';
import { toGenerateOptions } from './generation-config';
import { EngineError, type Calls, type GenerateParams, type GenerationResult, type StopReason } from '../shared/protocol';
import { lowerLimit } from './context-window';
import { messageOf } from './error-text';
import { buildPrompt } from './prompt-builder';
import { TurnCache } from './turn-cache';
import { DeltaStreamer } from './token-streamer';
import { PrefillPace, type QuietAnnouncer } from './liveness';
import { promptReading } from './memory-budget';
import { keepsLastLogitOnly, readPromptInSteps, type ReadSoFar } from './prompt-steps';
import type { CausalLM, ChatSession } from './model-loader';

/**
 * Writes replies with a loaded model: builds the prompt, reads it into the KV cache in steps (reusing the previous
 * turn's cache where the prompt starts the same), streams the new tokens, and keeps this turn's cache for the next.
 */
export class ReplyGenerator {
  private readonly turnCache = new TurnCache();

  constructor(
    /** Told of the steps that block this thread for long, so the page does not take the silence for a hang. */
    private readonly quiet: QuietAnnouncer,
  ) {}

  async generate(
    { model, tokenizer, info, weightBytes, dimensions }: ChatSession,
    params: GenerateParams,
    onProgress: (progress: Calls['generate']['progress']) => void,
    signal: AbortSignal,
  ): Promise<GenerationResult> {
    const started = performance.now();
    const prompt = buildPrompt(tokenizer, info, {
      messages: params.messages,
      thinking: params.thinking,
      continueReply: params.continueReply,
      maxNewTokens: params.settings.maxNewTokens,
      context: lowerLimit(info.contextLength, params.contextLimit),
    });
    onProgress({ type: 'prompt-built', tokens: prompt.ids.length });
    const { continuedIds, lead } = prompt;
    const cacheKey = JSON.stringify(params.settings);
    let reused: ReadSoFar | null = null;
    if (params.reuseCache) reused = await this.turnCache.take(cacheKey, prompt.ids);
    else await this.turnCache.clear();
    const inputIds = new Tensor('int64', BigInt64Array.from(prompt.ids, BigInt), [1, prompt.ids.length]);
    const attentionMask = new Tensor('int64', new BigInt64Array(prompt.ids.length).fill(1n), [1, prompt.ids.length]);

    const stopping = new InterruptableStoppingCriteria();
    const interrupt = () => stopping.interrupt();
    signal.addEventListener('abort', interrupt);
    // Reading the prompt is forward passes of up to a step each that block this thread; the first token ends them.
    const reading = promptReading(dimensions, prompt.ids.length, keepsLastLogitOnly(model));
    const pace = new PrefillPace(weightBytes, dimensions);
    /** The allowance for the pass that reads on from `readSoFar` tokens. */
    const nextStepAllowance = (readSoFar: number) => {
      const tokens = Math.min(prompt.ids.length - readSoFar, reading.stepTokens);
      return pace.allowanceMs(tokens, readSoFar + tokens);
    };
    this.quiet.expectQuiet(nextStepAllowance(reused?.length ?? 0));
    const streamer = new DeltaStreamer(tokenizer, (text, generatedTokens) => onProgress({ type: 'text', text, generatedTokens }), {
      lead,
      context: continuedIds.slice(-8),
      onFirstToken: () => this.quiet.endQuiet(),
    });
    // The newest cache of this prompt: the reused one, then each step's.
    let read = reused;
    try {
      const total = prompt.ids.length;
      read = await readPromptInSteps(model, prompt.ids, reused, reading, {
        signal,
        onStart: () => onProgress({ type: 'prompt', read: reused?.length ?? 0, total }),
        onStep: (step, stepMs) => {
          pace.record(step.length - (read?.length ?? 0), stepMs);
          read = step;
          this.quiet.expectQuiet(nextStepAllowance(step.length));
          onProgress({ type: 'prompt', read: step.length, total });
        },
      });
      if (signal.aborted) {
        // Stopped while reading the prompt, or before this listened (while the turn cache was taken or freed): no reply
        // is started, and what was read is kept for the next try.
        await this.keepOrFree(read?.cache, cacheKey, prompt.ids, params.reuseCache);
      } else {
        const output = (await model.generate({
          input_ids: inputIds,
          attention_mask: attentionMask,
          ...toGenerateOptions(params.settings),
          max_new_tokens: prompt.maxNewTokens,
          streamer,
          stopping_criteria: stopping,
          ...(read ? { past_key_values: read.cache } : {}),
          // A cache handed in is kept alive by generate(), so it is asked back to be kept or freed here.
          return_dict_in_generate: params.reuseCache || read !== null,
        })) as Tensor | { sequences: Tensor; past_key_values: DynamicCache };
        if ('past_key_values' in output) {
          const sequence = (output.sequences.tolist() as bigint[][])[0].map(Number);
          await this.keepOrFree(output.past_key_values, cacheKey, sequence, params.reuseCache);
        }
      }
    } catch (error) {
      // A cache that was being extended when generation failed is in an unknown state.
      if (read) await read.cache.dispose();
      throw new EngineError('generation-failed', `Generation failed: ${messageOf(error)}`, { cause: error });
    } finally {
      streamer.flush();
      this.quiet.endQuiet();
      signal.removeEventListener('abort', interrupt);
    }

    const finished = performance.now();
    const generatedTokens = streamer.generatedIds.length;
    const firstTokenAt = streamer.firstTokenAt ?? finished;
    const decodeSeconds = (finished - firstTokenAt) / 1000;
    return {
      text: streamer.text,
      droppedMessages: prompt.dropped,
      stats: {
        promptTokens: prompt.ids.length,
        generatedTokens,
        ttftMs: Math.round(firstTokenAt - started),
        tokensPerSecond: generatedTokens > 1 && decodeSeconds > 0 ? (generatedTokens - 1) / decodeSeconds : 0,
        totalMs: Math.round(finished - started),
        stopReason: stopReasonOf(signal.aborted, streamer.generatedIds.at(-1), eosIds(model, tokenizer)),
        cachedTokens: reused?.length ?? 0,
      },
    };
  }

  /** Frees the kept turn cache (its model is being unloaded). */
  forgetTurn(): Promise<void> {
    return this.turnCache.clear();
  }

  /** Keeps a turn's cache (of a prefix of `ids`) for the next turn, or frees it when reuse is off. */
  private async keepOrFree(cache: DynamicCache | undefined, key: string, ids: readonly number[], reuse: boolean): Promise<void> {
    if (!cache) return;
    if (reuse) this.turnCache.keep(key, ids, cache);
    else await cache.dispose();
  }
}

function eosIds(model: CausalLM, tokenizer: PreTrainedTokenizer): number[] {
  const fromConfig = (model.generation_config as { eos_token_id?: unknown } | null)?.eos_token_id;
  const ids = Array.isArray(fromConfig) ? fromConfig : [fromConfig];
  return [...ids, tokenizer.eos_token_id].filter((id): id is number => typeof id === 'number');
}

function stopReasonOf(interrupted: boolean, lastToken: number | undefined, eos: number[]): StopReason {
  if (interrupted) return 'user';
  return lastToken !== undefined && eos.includes(lastToken) ? 'eos' : 'length';
}
