import * as z from 'zod/mini';

/**
 * The postMessage API between a host page and the embedded app. Every message carries `channel` so neither side
 * mistakes another script's messages for these. The app accepts requests only from the origins in config.json's
 * `embedOrigins`, and answers only to the origin that asked (never `*`).
 */
export const CHANNEL = 'airgap-chat';

/** Longest question a host may send; a chat message, not a document upload. */
export const MAX_TEXT_LENGTH = 100_000;

const requestId = z.union([z.string().check(z.maxLength(200)), z.number()]);
const text = z.string().check(z.maxLength(MAX_TEXT_LENGTH));
const ours = { channel: z.literal(CHANNEL), id: requestId };

/** What a host may ask (zod's mini build: the bridge is part of the page's first load). */
const hostRequestSchema = z.discriminatedUnion('type', [
  z.object({ ...ours, type: z.literal('ask'), text: text.check(z.refine((value) => value.trim() !== '')) }),
  z.object({ ...ours, type: z.literal('load'), model: z.optional(z.string().check(z.maxLength(200))) }),
  z.object({ ...ours, type: z.literal('set-system-prompt'), prompt: text }),
  z.object({ ...ours, type: z.literal('status') }),
]);

export type RequestId = z.infer<typeof requestId>;
export type HostRequest = z.infer<typeof hostRequestSchema>;

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

/**
 * Reads a message a host sent. Null when it is not for us at all (another channel); 'invalid' when it is ours but
 * malformed, so the host can be told.
 */
export function parseHostRequest(data: unknown): HostRequest | 'invalid' | null {
  if (typeof data !== 'object' || data === null || (data as { channel?: unknown }).channel !== CHANNEL) return null;
  const parsed = hostRequestSchema.safeParse(data);
  return parsed.success ? parsed.data : 'invalid';
}
