import { APP_VERSION } from '../build-info';
import { describeBackend } from '../components/BackendBadge';
import { isModelAllowed, type AppConfig } from '../config';
import type { AppState, AppStore } from '../store';
import { CHANNEL, parseHostRequest, type AppMessage, type EmbedStatus, type HostRequest, type RequestId } from './host-api';

type Outgoing = AppMessage extends infer M ? (M extends AppMessage ? Omit<M, 'channel'> : never) : never;

/** Where host requests arrive: the app's own window. */
export interface MessageTarget {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** The host page's window (`window.parent`). */
export interface HostWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface HostBridgeOptions {
  store: AppStore;
  config: Pick<AppConfig, 'embedOrigins' | 'allowedModels' | 'keepEmbedChats' | 'embedMayDownload'>;
  self: MessageTarget;
  host: HostWindow;
  /** The embedding page's origin when the browser tells (`location.ancestorOrigins`), else null. */
  ancestorOrigin: string | null;
}

/**
 * Serves the postMessage API to the page that embeds the app: questions go through the same store as typed ones,
 * so they show in the embedded chat, and the reply streams back. The host's questions and system prompt go into a
 * conversation of their own, never into one of the user's chats (whose history would reach the model, and through
 * it the host). Messages from any origin not in `embedOrigins`, or from any window but the parent, are ignored
 * without an answer.
 */
export function startHostBridge({ store, config, self, host, ancestorOrigin }: HostBridgeOptions): () => void {
  const allowed = new Set(config.embedOrigins);
  let hostConversationId: string | null = null;
  /** Opens the host's conversation: a new one the first time, or if it was deleted. */
  const openHostConversation = () => {
    const state = store.getState();
    if (hostConversationId && state.conversations[hostConversationId]) state.openConversation(hostConversationId);
    else hostConversationId = state.newHostConversation(config.keepEmbedChats);
  };

  const onMessage = (event: MessageEvent) => {
    if (event.source !== host || !allowed.has(event.origin)) return;
    const request = parseHostRequest(event.data);
    if (request === null) return;
    const post = (message: Outgoing) => host.postMessage({ channel: CHANNEL, ...message }, event.origin);
    if (request === 'invalid') {
      const id = (event.data as { id?: unknown }).id;
      post({ type: 'error', id: typeof id === 'string' || typeof id === 'number' ? id : null, code: 'bad-request', message: 'Malformed request.' });
      return;
    }
    void handleRequest(store, config, request, post, openHostConversation);
  };
  self.addEventListener('message', onMessage);

  // Tell the host we listen. Posting to an origin that is not the parent's is dropped by the browser, so without
  // ancestorOrigins every allowed origin is tried; with it, only a parent on the list hears anything.
  const readyTargets = ancestorOrigin === null ? [...allowed] : allowed.has(ancestorOrigin) ? [ancestorOrigin] : [];
  for (const origin of readyTargets) host.postMessage({ channel: CHANNEL, type: 'ready', version: APP_VERSION }, origin);

  return () => self.removeEventListener('message', onMessage);
}

async function handleRequest(
  store: AppStore,
  config: HostBridgeOptions['config'],
  request: HostRequest,
  post: (message: Outgoing) => void,
  openHostConversation: () => void,
): Promise<void> {
  const state = store.getState();
  switch (request.type) {
    case 'status':
      post({ type: 'status', id: request.id, status: statusOf(state) });
      return;
    case 'set-system-prompt':
      if (state.generating) {
        post({ type: 'error', id: request.id, code: 'busy', message: 'A reply is still being written.' });
        return;
      }
      openHostConversation();
      store.getState().setSystemPrompt(request.prompt);
      post({ type: 'ok', id: request.id });
      return;
    case 'load':
      return load(store, config, request.id, request.model ?? state.modelId.trim(), post);
    case 'ask':
      return ask(store, request.id, request.text, post, openHostConversation);
    default: {
      const unknown: never = request;
      throw new Error(`Unhandled host request ${JSON.stringify(unknown)}`);
    }
  }
}

function statusOf(state: AppState): EmbedStatus {
  return {
    version: APP_VERSION,
    model: state.model?.repo ?? null,
    backend: state.model ? describeBackend(state.model) : null,
    loadStatus: state.loadStatus,
    generating: state.generating,
  };
}

async function load(store: AppStore, config: HostBridgeOptions['config'], id: RequestId, model: string, post: (message: Outgoing) => void) {
  if (!model || !isModelAllowed(config, model)) {
    post({ type: 'error', id, code: 'model-not-allowed', message: `“${model}” is not a model this deployment allows.` });
    return;
  }
  store.getState().setModelId(model);
  // A download of gigabytes is the deployment's to allow: by listing the models, or by saying so.
  const outcome = await store.getState().loadModel({ storedOnly: config.allowedModels === null && !config.embedMayDownload });
  if (outcome.status === 'ready') {
    post({ type: 'loaded', id, model: outcome.model.repo, backend: describeBackend(outcome.model) });
    return;
  }
  const message = outcome.status === 'failed' ? outcome.message : 'The load was stopped before the model was ready.';
  post({ type: 'error', id, code: 'load-failed', message });
}

async function ask(store: AppStore, id: RequestId, text: string, post: (message: Outgoing) => void, openHostConversation: () => void) {
  const { model, generating, send } = store.getState();
  if (!model) {
    post({ type: 'error', id, code: 'not-loaded', message: 'No model is loaded. Send a load request first.' });
    return;
  }
  if (generating) {
    post({ type: 'error', id, code: 'busy', message: 'A reply is still being written.' });
    return;
  }
  // The reply goes into the host's conversation, and only this reply is streamed to the host.
  openHostConversation();
  const outcome = await send(text, { onText: (delta) => post({ type: 'delta', id, text: delta }) });
  if (!outcome.ok) {
    post({ type: 'error', id, code: 'reply-failed', message: outcome.message });
    return;
  }
  const { reply } = outcome;
  const stats = reply.stats
    ? { generatedTokens: reply.stats.generatedTokens, ttftMs: reply.stats.ttftMs, tokensPerSecond: reply.stats.tokensPerSecond }
    : null;
  post({ type: 'reply', id, text: reply.content, stopped: reply.status === 'stopped', stats });
}
