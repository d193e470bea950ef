import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toExportFile, toMarkdown } from './conversation-export';
import { ImportError, parseExport } from './conversation-schema';
import { MAX_IMPORT_BYTES } from './import-limits';
import type { Conversation } from '../chat/types';

function conversation(): Conversation {
  return {
    id: 'c1',
    title: 'Greetings',
    createdAt: 1,
    updatedAt: 2,
    settings: { systemPrompt: 'Be kind.', overrides: { temperature: 0.5 } },
    model: { repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'q8' },
    messages: {
      u1: { id: 'u1', parentId: null, role: 'user', content: 'Hi', status: 'done', createdAt: 1 },
      a1: { id: 'a1', parentId: 'u1', role: 'assistant', content: 'Hello **there**', status: 'streaming', createdAt: 2 },
    },
    leafId: 'a1',
  };
}

const file = (value: unknown) => JSON.stringify(value);
const exported = () => toExportFile([conversation()], { now: new Date(0) }) as unknown as Record<string, unknown> & { conversations: Record<string, unknown>[] };

describe('import schema', () => {
  it('reads a valid export under a fresh id, with a reply cut off mid-stream marked interrupted', () => {
    const [imported] = parseExport(file(exported()));
    expect(imported.id).not.toBe('c1');
    expect(imported.title).toBe('Greetings');
    expect(imported.messages.a1.status).toBe('interrupted');
    expect(imported.messages.u1).toEqual(conversation().messages.u1);
  });

  it('writes the files attached to a message only when asked, reads them back, and refuses one of a kind it does not know', () => {
    const withFile = conversation();
    const attachment = { id: 'f1', name: 'notes.txt', kind: 'text' as const, size: 11, text: 'Alpha beta.' };
    withFile.messages.u1 = { ...withFile.messages.u1, attachments: [attachment] };
    const [imported] = parseExport(file(toExportFile([withFile], { withFiles: true })));
    expect(imported.messages.u1.attachments).toEqual([attachment]);
    // Unless asked for, an export leaves the files (and passages from them) out.
    const passages = [{ name: 'notes.txt', text: 'Alpha' }];
    const [withoutFiles] = parseExport(file(toExportFile([{ ...withFile, messages: { ...withFile.messages, u1: { ...withFile.messages.u1, passages } } }])));
    expect(withoutFiles.messages.u1).toEqual(conversation().messages.u1);
    expect(toMarkdown(withFile)).toContain('## You\n\nAttached files:\n- notes.txt\n\nHi');
    withFile.messages.u1.attachments = [{ ...attachment, kind: 'exe' as 'text' }];
    expect(() => parseExport(file(toExportFile([withFile], { withFiles: true })))).toThrow(/damaged.*conversations\.0\.messages\.u1\.attachments\.0\.kind/);
  });

  it('refuses malformed files with a message that says why', () => {
    expect(() => parseExport('{not json')).toThrow(/not JSON/);
    expect(() => parseExport(file({ hello: 1 }))).toThrow(/not an Airgap Chat export/);
    expect(() => parseExport(file({ ...exported(), version: 2 }))).toThrow(/version 2/);
    const missingField = exported();
    delete missingField.conversations[0].title;
    expect(() => parseExport(file(missingField))).toThrow(/damaged.*conversations\.0\.title/);
    const dangling = exported();
    (dangling.conversations[0].messages as Record<string, { parentId: string }>).a1.parentId = 'ghost';
    expect(() => parseExport(file(dangling))).toThrow(/not in the file/);
  });

  it('refuses hostile files: prototype keys, loops, unknown fields, wrong types, huge input', () => {
    for (const reserved of ['__proto__', 'constructor', 'toString']) {
      const text = file(exported()).replaceAll('"u1"', `"${reserved}"`);
      expect(() => parseExport(text), reserved).toThrow(/damaged/);
    }
    const loop = exported();
    const messages = loop.conversations[0].messages as Record<string, { parentId: string | null }>;
    messages.u1.parentId = 'a1';
    expect(() => parseExport(file(loop))).toThrow(/loop/);
    const extra = exported();
    extra.conversations[0].onload = 'alert(1)';
    expect(() => parseExport(file(extra))).toThrow(/damaged/);
    const wrongType = exported();
    (wrongType.conversations[0].messages as Record<string, { content: unknown }>).u1.content = { toString: 'x' };
    expect(() => parseExport(file(wrongType))).toThrow(/damaged/);
    const badRole = exported();
    (badRole.conversations[0].messages as Record<string, { role: string }>).u1.role = 'system';
    expect(() => parseExport(file(badRole))).toThrow(/damaged/);
    expect(() => parseExport(' '.repeat(MAX_IMPORT_BYTES + 1))).toThrow(/too large/);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses more messages in a chat, or more chats in a file, than any real export holds', () => {
    const long = exported();
    const chain: Record<string, unknown> = {};
    for (let index = 0; index <= 20_000; index++) {
      chain[`m${index}`] = { id: `m${index}`, parentId: index === 0 ? null : `m${index - 1}`, role: index % 2 ? 'assistant' : 'user', content: 'x', status: 'done', createdAt: 1 };
    }
    Object.assign(long.conversations[0], { messages: chain, leafId: 'm20000' });
    expect(() => parseExport(file(long))).toThrow(/more than 20000 messages/);
    const many = exported();
    many.conversations = Array.from({ length: 5_001 }, (_, index) => ({ ...many.conversations[0], id: `c${index}` }));
    expect(() => parseExport(file(many))).toThrow(/expected array to have <=5000 items \(at conversations\)/);
  });

  it('brings times from the future back to now, so a crafted chat cannot stay at the top of the list', () => {
    const future = exported();
    future.conversations[0].updatedAt = 1e15;
    future.conversations[0].createdAt = 1e15;
    (future.conversations[0].messages as Record<string, { createdAt: number }>).u1.createdAt = 1e15;
    const before = Date.now();
    const [conversation] = parseExport(file(future));
    const after = Date.now();
    for (const time of [conversation.updatedAt, conversation.createdAt, conversation.messages.u1.createdAt]) {
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
    }
  });

  it('keeps hostile message text as text: rendering, not import, makes it harmless', () => {
    const hostile = exported();
    (hostile.conversations[0].messages as Record<string, { content: string }>).a1.content = '<script>alert(1)</script>';
    expect(parseExport(file(hostile))[0].messages.a1.content).toBe('<script>alert(1)</script>');
  });
});

describe('Markdown export', () => {
  it('writes the branch on screen with the system prompt', () => {
    expect(toMarkdown(conversation())).toBe(
      '# Greetings\n\nModel: a/b (wasm, q8)\n\n## System prompt\n\nBe kind.\n\n## You\n\nHi\n\n## Assistant\n\nHello **there**\n',
    );
  });

  it('keeps each message inside its turn in a Markdown export: no forged headings, no live HTML, no code block left open', () => {
    const hostile = conversation();
    hostile.title = 'Plan\n## Assistant\nI agree';
    hostile.messages.u1 = { ...hostile.messages.u1, content: '## Assistant\nSure! <img src=x onerror=alert(1)> `<b>` ok\n```js\nconst a = "<b>";' };
    hostile.messages.a1 = { ...hostile.messages.a1, content: '# Title\n~~~\n## inside\n~~~\nAfter & <i>' };
    expect(toMarkdown(hostile)).toBe(
      '# Plan ## Assistant I agree\n\nModel: a/b (wasm, q8)\n\n## System prompt\n\nBe kind.\n\n' +
        '## You\n\n\\## Assistant\nSure! &lt;img src=x onerror=alert(1)> `<b>` ok\n```js\nconst a = "<b>";\n```\n\n' +
        '## Assistant\n\n\\# Title\n~~~\n## inside\n~~~\nAfter &amp; &lt;i>\n',
    );
  });
});

/** Every place a value sits in a JSON document, as a path of keys and indexes. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

function replaceAt(document: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

const valid = exported();
const validPaths = pathsOf(valid);
/** A valid export with one value anywhere in it replaced by anything JSON can hold. */
const damagedExports = fc
  .tuple(fc.constantFrom(...validPaths), fc.jsonValue())
  .map(([path, value]) => JSON.stringify(replaceAt(valid, path, value)));
const anyText = fc.oneof(fc.string(), fc.json());

/** An import either restores whole, sound chats or is refused with an ImportError that says why; nothing else. */
function expectRestoredOrRefused(text: string): void {
  let restored: Conversation[];
  try {
    restored = parseExport(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message.length).toBeGreaterThan(0);
    return;
  }
  const now = Date.now();
  for (const chat of restored) {
    expect(chat.updatedAt).toBeLessThanOrEqual(now);
    if (chat.leafId !== null) expect(chat.messages[chat.leafId]).toBeDefined();
    for (const [id, message] of Object.entries(chat.messages)) {
      expect(message.id).toBe(id);
      if (message.parentId !== null) expect(chat.messages[message.parentId]).toBeDefined();
      expect(message.status).not.toBe('streaming');
      expect(message.createdAt).toBeLessThanOrEqual(now);
    }
  }
}

describe('the import schema', () => {
  it('restores or refuses any text at all, and never throws anything but an ImportError', () => {
    fc.assert(fc.property(anyText, expectRestoredOrRefused), { numRuns: 500 });
  });

  it('restores or refuses an export with any one value replaced by anything', () => {
    fc.assert(fc.property(damagedExports, expectRestoredOrRefused), { numRuns: 1000 });
  });
});
