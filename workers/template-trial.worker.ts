/// <reference lib="webworker" />
import { Template } from '@huggingface/jinja';
import { whenConnected } from './helper-port';
import type { TemplateTrialRequest, TemplateTrialResult } from './template-trial';

// Renders with the same Jinja interpreter transformers.js uses, in a worker of its own that can be ended mid-loop.
whenConnected((port) => {
  port.onmessage = ({ data }: MessageEvent<TemplateTrialRequest>) => {
    let longest = 0;
    for (const template of data.templates) {
      for (const variables of data.renders) {
        try {
          longest = Math.max(longest, new Template(template).render(variables).length);
        } catch {
          // A template may refuse the sample (an unexpected role, a missing variable); the real render reports that.
        }
      }
    }
    port.postMessage({ type: 'rendered', longest } satisfies TemplateTrialResult);
  };
  // Started and its code loaded: the time the renders take is counted from here.
  port.postMessage({ type: 'ready' } satisfies TemplateTrialResult);
});
