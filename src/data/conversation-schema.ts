import { z } from 'zod';
import { DEVICES, DTYPES } from '../../shared/protocol';
import { newId, type Conversation } from '../chat/types';
import { DOCUMENT_KINDS } from '../documents/document-kinds';
import { MAX_ATTACHMENT_CHARACTERS, MAX_ATTACHMENTS } from '../documents/read-attachment';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportFile } from './conversation-export';
import { MAX_IMPORT_BYTES, TOO_LARGE_TO_IMPORT } from './import-limits';

// Zod compiles fast parsers with `new Function`, which our CSP (no unsafe-eval) refuses; even its probe for that
// counts as a violation. Interpreted parsing is plenty fast for import files.
z.config({ jitless: true });

/** Anything larger is not a chat export worth parsing in the page. */
const MAX_TEXT = 2_000_000;
const MAX_MESSAGES = 20_000;
const MAX_CONVERSATIONS = 5_000;
/** Far more passages than any context holds. */
const MAX_PASSAGES = 1_000;

/** Ids become object keys: a strict pattern, and no name an object already has (`__proto__`, `constructor`, …). */
const id = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1–64 letters, digits, "-" or "_"')
  .refine((value) => !(value in Object.prototype), 'this id is a reserved name');
const fileName = z.string().min(1).max(1000);
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const timestamp = z.number().finite().nonnegative();

const statsSchema = z.strictObject({
  promptTokens: count,
  generatedTokens: count,
  ttftMs: z.number().finite().nonnegative(),
  tokensPerSecond: z.number().finite().nonnegative(),
  totalMs: z.number().finite().nonnegative(),
  stopReason: z.enum(['eos', 'length', 'user']),
  cachedTokens: count.default(0),
});

const messageSchema = z.strictObject({
  id,
  parentId: id.nullable(),
  role: z.enum(['user', 'assistant']),
  content: z.string().max(MAX_TEXT),
  status: z.enum(['streaming', 'done', 'stopped', 'error', 'interrupted']),
  createdAt: timestamp,
  stats: statsSchema.optional(),
  droppedMessages: count.optional(),
  attachments: z
    .array(
      z.strictObject({
        id,
        name: fileName,
        kind: z.enum(DOCUMENT_KINDS),
        size: count,
        text: z.string().max(MAX_ATTACHMENT_CHARACTERS),
        pages: count.optional(),
      }),
    )
    .max(MAX_ATTACHMENTS)
    .optional(),
  passages: z
    .array(
      z.strictObject({
        name: fileName,
        page: count.optional(),
        section: z.string().max(1000).optional(),
        text: z.string().max(MAX_ATTACHMENT_CHARACTERS),
      }),
    )
    .max(MAX_PASSAGES)
    .optional(),
});

const settingsSchema = z.strictObject({
  systemPrompt: z.string().max(MAX_TEXT),
  overrides: z.strictObject({
    maxNewTokens: count.min(1).optional(),
    doSample: z.boolean().optional(),
    temperature: z.number().finite().min(0).optional(),
    topP: z.number().finite().min(0).max(1).optional(),
    topK: count.optional(),
    repetitionPenalty: z.number().finite().positive().optional(),
  }),
  contextLimit: count.min(1).optional(),
  thinking: z.boolean().optional(),
});

const conversationSchema = z
  .strictObject({
    id,
    title: z.string().max(1000),
    createdAt: timestamp,
    updatedAt: timestamp,
    settings: settingsSchema,
    model: z
      .strictObject({ repo: z.string().max(200), revision: z.string().max(200), device: z.enum(DEVICES), dtype: z.enum(DTYPES) })
      .nullable(),
    messages: z.record(id, messageSchema),
    leafId: id.nullable(),
  })
  .superRefine((conversation, context) => {
    const messages = Object.entries(conversation.messages);
    if (messages.length > MAX_MESSAGES) context.addIssue({ code: 'custom', message: `more than ${MAX_MESSAGES} messages` });
    for (const [key, message] of messages) {
      if (message.id !== key) context.addIssue({ code: 'custom', message: `message “${key}” is stored under another id` });
      if (message.parentId !== null && !Object.hasOwn(conversation.messages, message.parentId)) {
        context.addIssue({ code: 'custom', message: `message “${key}” answers a message that is not in the file` });
      }
    }
    if (conversation.leafId !== null && !Object.hasOwn(conversation.messages, conversation.leafId)) {
      context.addIssue({ code: 'custom', message: 'the current message is not in the file' });
    }
    if (hasCycle(conversation.messages)) context.addIssue({ code: 'custom', message: 'messages answer each other in a loop' });
  });

/** Typed as what an export writes: a compile error if the two drift apart. */
const exportSchema: z.ZodType<ExportFile> = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string().max(100),
  conversations: z.array(conversationSchema).max(MAX_CONVERSATIONS),
});

function hasCycle(messages: Record<string, { parentId: string | null }>): boolean {
  const settled = new Set<string>();
  for (const start of Object.keys(messages)) {
    const onPath = new Set<string>();
    for (let current: string | null = start; current !== null && !settled.has(current); current = messages[current]?.parentId ?? null) {
      if (onPath.has(current)) return true;
      onPath.add(current);
    }
    for (const visited of onPath) settled.add(visited);
  }
  return false;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/**
 * Reads an export file into conversations ready to store, or throws an ImportError that says what is wrong. Imported
 * conversations get fresh ids, so an import never replaces a conversation that is already here, and replies that were
 * being written when they were exported count as interrupted.
 */
export function parseExport(text: string): Conversation[] {
  if (text.length > MAX_IMPORT_BYTES) throw new ImportError(TOO_LARGE_TO_IMPORT);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImportError('This file is not JSON. Choose a file exported from Airgap Chat.');
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== EXPORT_FORMAT) throw new ImportError('This file is not an Airgap Chat export.');
  const version = (json as { version?: unknown }).version;
  if (version !== EXPORT_VERSION) {
    throw new ImportError(`This export has version ${String(version)}; this app reads version ${EXPORT_VERSION}.`);
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
    throw new ImportError(`This export is damaged and was not imported: ${issue.message}${where}. Nothing was changed.`);
  }
  // A time in the future would keep a chat at the top of the list for ever: no imported time is later than now.
  const now = Date.now();
  const notLater = (time: number) => Math.min(time, now);
  return parsed.data.conversations.map((conversation) => {
    const messages = Object.fromEntries(
      Object.entries(conversation.messages).map(([key, message]) => [
        key,
        { ...message, createdAt: notLater(message.createdAt), ...(message.status === 'streaming' ? { status: 'interrupted' as const } : {}) },
      ]),
    );
    return { ...conversation, id: newId(), createdAt: notLater(conversation.createdAt), updatedAt: notLater(conversation.updatedAt), messages };
  });
}
