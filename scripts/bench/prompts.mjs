// @ts-check
/**
 * The benchmark's prompts: one user message per reply, each new (a repeated prompt would be answered from the KV
 * cache), grown word by word until the model's chat template makes it the target number of tokens. The app gets the
 * text; the bare runtimes get the same token ids.
 */
import { AutoTokenizer, env } from '@huggingface/transformers';
import path from 'node:path';
import { createRandom } from '../fixtures/prng.mjs';

const WORDS = (
  'the quick brown fox jumps over a lazy dog while seven wizards quietly pack boxes of liquor jugs near the harbour ' +
  'where ships unload grain timber copper and wool before the evening tide turns and lanterns light the narrow streets'
).split(' ');

/**
 * @typedef {object} Prompt
 * @property {string} text the user message
 * @property {number[]} ids the templated prompt's token ids
 */

/**
 * @param {string} hubRoot
 * @param {string} repo
 */
export async function loadPromptTokenizer(hubRoot, repo) {
  env.localModelPath = path.resolve(hubRoot);
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(repo);
  /** @param {string} text @returns {number[]} */
  const encode = (text) =>
    /** @type {number[]} */ (
      tokenizer.apply_chat_template([{ role: 'user', content: text }], { add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false })
    );
  return {
    /**
     * A new prompt of at least `tokens` tokens (the first word that reaches it is the last).
     * @param {number} tokens
     * @param {number} seed a different seed gives a different text
     * @returns {Prompt}
     */
    make(tokens, seed) {
      const random = createRandom(seed);
      // A random first word: prompts that begin alike would share a cached prefix in the app.
      const words = [Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('')];
      let ids = encode(words.join(' '));
      while (ids.length < tokens) {
        // Estimate the words still needed (about four tokens each here), then add them and measure again.
        const more = Math.max(1, Math.floor((tokens - ids.length) / 6));
        for (let i = 0; i < more; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
        ids = encode(words.join(' '));
      }
      return { text: words.join(' '), ids };
    },
  };
}
