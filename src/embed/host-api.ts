/**
 * The postMessage API between a host page and the embedded app. Every message carries `channel` so neither side
 * mistakes another script's messages for these. The app accepts requests only from the origins in config.json's
 * `embedOrigins`, and answers only to the origin that asked (never `*`).
 */
export const CHANNEL = 'airgap-chat';

export type RequestId = string | number;

export type HostRequest =
  | { channel: typeof CHANNEL; type: 'ask'; id: RequestId; text: string }
  | { channel: typeof CHANNEL; type: 'load'; id: RequestId; model?: string }
  | { channel: typeof CHANNEL; type: 'set-system-prompt'; id: RequestId; prompt: string }
  | { channel: typeof CHANNEL; type: 'status'; id: RequestId };

export interface EmbedStatus {
  version: string;
  /** The loaded model, or null. */
  model: string | null;
  /** e.g. "WASM · q8 · 4 threads". */
  backend: string | null;
  loadStatus: 'idle' | 'loading' | 'paused' | 'ready' | 'error';
  generating: boolean;
}

export interface ReplyStats {
  generatedTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
}

export type AppMessage =
  | { channel: typeof CHANNEL; type: 'ready'; version: string }
  | { channel: typeof CHANNEL; type: 'delta'; id: RequestId; text: string }
  | { channel: typeof CHANNEL; type: 'reply'; id: RequestId; text: string; stopped: boolean; stats: ReplyStats | null }
  | { channel: typeof CHANNEL; type: 'loaded'; id: RequestId; model: string; backend: string }
  | { channel: typeof CHANNEL; type: 'status'; id: RequestId; status: EmbedStatus }
  | { channel: typeof CHANNEL; type: 'ok'; id: RequestId }
  | { channel: typeof CHANNEL; type: 'error'; id: RequestId | null; code: HostErrorCode; message: string };

export type HostErrorCode = 'bad-request' | 'not-loaded' | 'busy' | 'model-not-allowed' | 'load-failed' | 'reply-failed';

/** Longest question a host may send; a chat message, not a document upload. */
export const MAX_TEXT_LENGTH = 100_000;

function isRequestId(value: unknown): value is RequestId {
  return (typeof value === 'string' && value.length <= 200) || (typeof value === 'number' && Number.isFinite(value));
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;
}

/**
 * Reads a message a host sent. Null when it is not for us at all (another channel); 'invalid' when it is ours but
 * malformed, so the host can be told.
 */
export function parseHostRequest(data: unknown): HostRequest | 'invalid' | null {
  if (typeof data !== 'object' || data === null || (data as { channel?: unknown }).channel !== CHANNEL) return null;
  const message = data as Record<string, unknown>;
  if (!isRequestId(message.id)) return 'invalid';
  const { id } = message;
  switch (message.type) {
    case 'ask':
      return isText(message.text) && message.text.trim() ? { channel: CHANNEL, type: 'ask', id, text: message.text } : 'invalid';
    case 'load':
      if (message.model === undefined) return { channel: CHANNEL, type: 'load', id };
      return typeof message.model === 'string' && message.model.length <= 200 ? { channel: CHANNEL, type: 'load', id, model: message.model } : 'invalid';
    case 'set-system-prompt':
      return isText(message.prompt) ? { channel: CHANNEL, type: 'set-system-prompt', id, prompt: message.prompt } : 'invalid';
    case 'status':
      return { channel: CHANNEL, type: 'status', id };
    default:
      return 'invalid';
  }
}
