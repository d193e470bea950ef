import { EngineError, type ChatMessage } from '../shared/protocol';
import { HelperWorker, helpersAvailable } from './helper-worker';

export interface TemplateTrialRequest {
  templates: string[];
  /** The variables of each render: the conversation and the tokenizer's special tokens. */
  renders: Record<string, unknown>[];
}

/** What the trial worker says: that it started, then how long its longest render was (in characters). */
export type TemplateTrialResult = { type: 'ready' } | { type: 'rendered'; longest: number };

/** Real templates render a short conversation in milliseconds. Counted from the worker's start, not including it. */
const TRIAL_MS = 3000;
/** A worker that has not started by then (a machine very busy, a page unable to start it) is not waited for. */
const START_MS = 15_000;
/** A few kilobytes is what a four-message conversation becomes. */
const MAX_CHARACTERS = 1_000_000;

const SAMPLE: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Hello, who are you?' },
  { role: 'assistant', content: 'I am an assistant. How can I help?' },
  { role: 'user', content: 'Tell me a short story.' },
];

/** The template texts of a tokenizer's `chat_template`: one string, or a list of named ones. */
function templatesOf(chatTemplate: unknown): string[] {
  if (typeof chatTemplate === 'string') return [chatTemplate];
  if (!Array.isArray(chatTemplate)) return [];
  return chatTemplate.flatMap((entry: { template?: unknown }) => (typeof entry?.template === 'string' ? [entry.template] : []));
}

/**
 * Renders a short conversation with a repository's chat template in a worker of its own, and refuses the model when
 * that does not end within a few seconds or makes a huge text: a template is code from the repository, and one that
 * loops (`range(10**9)`) would otherwise hang this worker at every reply. Where the trial cannot run, the page's hang
 * watchdog remains the backstop.
 */
export async function tryChatTemplate(repo: string, chatTemplate: unknown, specialTokens: Record<string, unknown>): Promise<void> {
  const templates = templatesOf(chatTemplate);
  if (templates.length === 0 || !helpersAvailable()) return;
  const renders = [true, false].map((enable_thinking) => ({ ...specialTokens, messages: SAMPLE, add_generation_prompt: true, enable_thinking }));
  const worker = new HelperWorker<TemplateTrialResult>('template-trial');
  try {
    const result = await new Promise<number | 'timeout' | 'failed'>((resolve) => {
      let timer = setTimeout(() => resolve('failed'), START_MS);
      const settle = (outcome: number | 'timeout' | 'failed') => {
        clearTimeout(timer);
        resolve(outcome);
      };
      worker.onmessage = (data) => {
        if (data.type === 'rendered') return settle(data.longest);
        clearTimeout(timer);
        timer = setTimeout(() => resolve('timeout'), TRIAL_MS);
        worker.postMessage({ templates, renders } satisfies TemplateTrialRequest);
      };
      worker.onfailed = () => settle('failed');
    });
    // A trial that could not run says nothing of the template.
    if (result === 'failed') return;
    if (result === 'timeout') {
      throw new EngineError(
        'bad-chat-template',
        `The chat template of “${repo}” did not finish formatting a four-message conversation within ${TRIAL_MS / 1000} s: it may loop without end, so this model is not loaded. Choose another export of the model.`,
      );
    }
    if (result > MAX_CHARACTERS) {
      throw new EngineError(
        'bad-chat-template',
        `The chat template of “${repo}” turned a four-message conversation into more than ${(MAX_CHARACTERS / 1e6).toFixed(0)} million characters, so this model is not loaded. Choose another export of the model.`,
      );
    }
  } finally {
    worker.terminate();
  }
}
