import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../chat/types';
import { toExportFile } from './conversation-export';
import { ImportError, parseExport } from './conversation-schema';

/** A small valid chat: a question, a reply, and a second version of the reply. */
function conversation(): Conversation {
  return {
    id: 'c1',
    title: 'Greetings',
    createdAt: 1,
    updatedAt: 2,
    settings: { systemPrompt: '', overrides: {} },
    model: null,
    messages: {
      u1: { id: 'u1', parentId: null, role: 'user', content: 'Hi', status: 'done', createdAt: 1 },
      a1: { id: 'a1', parentId: 'u1', role: 'assistant', content: 'Hello', status: 'done', createdAt: 2 },
      a2: { id: 'a2', parentId: 'u1', role: 'assistant', content: 'Hey', status: 'streaming', createdAt: 3 },
    },
    leafId: 'a2',
  };
}

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

const valid = toExportFile([conversation()], { now: new Date(0) });
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
