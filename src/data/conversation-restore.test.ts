import { describe, expect, it } from 'vitest';
import { restoreConversations, unreadableNotice, type StoredEntry } from './conversation-restore';

const chat = (value: Record<string, unknown>): StoredEntry => ({ key: value.id as IDBValidKey, value });
const message = (value: Record<string, unknown>): StoredEntry => ({ key: [value.conversationId, value.id] as IDBValidKey, value });

const question = { conversationId: 'c', id: 'q', parentId: null, role: 'user', content: 'Hi', status: 'done', createdAt: 1 };
const reply = { conversationId: 'c', id: 'a', parentId: 'q', role: 'assistant', content: 'Hello', status: 'done', createdAt: 2 };
const settings = { systemPrompt: 'Be brief.', overrides: { temperature: 0.5 } };
const stats = { promptTokens: 3, generatedTokens: 2, ttftMs: 5, tokensPerSecond: 9, totalMs: 8, stopReason: 'eos', cachedTokens: 1 };

describe('restoring stored conversations', () => {
  it('fills in what older versions did not write', () => {
    const { cachedTokens: _, ...statsBeforeCacheReuse } = stats;
    const { conversations, unreadable } = restoreConversations(
      [chat({ id: 'c' })],
      [message({ conversationId: 'c', id: 'q', parentId: null, role: 'user', content: 'Hi' }), message({ ...reply, stats: statsBeforeCacheReuse })],
    );
    expect(unreadable).toEqual([]);
    expect(conversations).toEqual([
      {
        id: 'c',
        title: '',
        createdAt: 0,
        updatedAt: 0,
        settings: { systemPrompt: '', overrides: {} },
        model: null,
        messages: {
          q: { id: 'q', parentId: null, role: 'user', content: 'Hi', status: 'done', createdAt: 0 },
          a: { id: 'a', parentId: 'q', role: 'assistant', content: 'Hello', status: 'done', createdAt: 2, stats: { ...stats, cachedTokens: 0 } },
        },
        // No leaf stored: the end of the newest branch.
        leafId: 'a',
      },
    ]);
  });

  it('drops fields this version does not know, at every level of a chat and its messages', () => {
    const { conversations } = restoreConversations(
      [
        chat({
          id: 'c',
          title: 'T',
          createdAt: 1,
          updatedAt: 2,
          settings: { ...settings, fontSize: 14, overrides: { ...settings.overrides, minP: 0.1 } },
          model: { repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'q8', sizeBytes: 5 },
          leafId: 'a',
          pinned: true,
        }),
      ],
      [
        message({
          ...question,
          reactions: ['+1'],
          attachments: [{ id: 'f', name: 'a.md', kind: 'markdown', size: 3, text: 'abc', mime: 'text/markdown' }],
          passages: [{ name: 'a.md', section: 'A', text: 'abc', score: 0.9 }],
        }),
        message({ ...reply, stats: { ...stats, energyJoules: 4 }, droppedMessages: 1, model: 'x' }),
      ],
    );
    expect(conversations[0]).toEqual({
      id: 'c',
      title: 'T',
      createdAt: 1,
      updatedAt: 2,
      settings,
      model: { repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'q8' },
      messages: {
        q: {
          ...withoutChatId(question),
          attachments: [{ id: 'f', name: 'a.md', kind: 'markdown', size: 3, text: 'abc' }],
          passages: [{ name: 'a.md', section: 'A', text: 'abc' }],
        },
        a: { ...withoutChatId(reply), stats, droppedMessages: 1 },
      },
      leafId: 'a',
    });
  });

  it('reads a describing field holding a value it does not know as its default', () => {
    const { conversations, unreadable } = restoreConversations(
      [
        chat({
          id: 'c',
          title: 42,
          createdAt: 'yesterday',
          updatedAt: 3,
          settings: { systemPrompt: null, overrides: { temperature: 'hot', doSample: 1, topK: 40 }, contextLimit: '4k', thinking: 'yes' },
          model: { repo: 'a/b', revision: 'main', device: 'wasm', dtype: 'q2' },
          leafId: 'a',
        }),
      ],
      [
        message({ ...question, status: 'queued', createdAt: null, attachments: [{ id: 'f', name: 'a.docx', kind: 'docx', size: 3, text: 'abc', pages: 'one' }] }),
        message({ ...reply, stats: { ...stats, tokensPerSecond: 'fast' }, droppedMessages: -Infinity }),
      ],
    );
    expect(unreadable).toEqual([]);
    expect(conversations[0]).toEqual({
      id: 'c',
      title: '',
      createdAt: 0,
      updatedAt: 3,
      settings: { systemPrompt: '', overrides: { topK: 40 } },
      model: null,
      messages: {
        q: { ...withoutChatId(question), status: 'done', createdAt: 0, attachments: [{ id: 'f', name: 'a.docx', kind: 'text', size: 3, text: 'abc' }] },
        a: withoutChatId(reply),
      },
      leafId: 'a',
    });
  });

  it('leaves a describing field it cannot read out of the record, as the app writes it, and gives each chat defaults of its own', () => {
    const { conversations } = restoreConversations(
      [
        chat({ id: 'c', createdAt: 5, settings: { systemPrompt: 'S', overrides: { temperature: 'hot' }, contextLimit: '4k', thinking: 'yes' } }),
        chat({ id: 'd' }),
        chat({ id: 'e' }),
      ],
      [
        message({ ...question, attachments: [{ id: 'f', name: 'a.pdf', kind: 'pdf', size: 3, text: 'abc', pages: 'one' }], passages: [{ name: 'a.pdf', page: 'x', section: 5, text: 'abc' }] }),
        message({ ...reply, stats: { ...stats, stopReason: 'tired' }, droppedMessages: 'some' }),
      ],
    );
    // Strict: a key kept with the value undefined would be written back to the database and into exports.
    expect(conversations[0]).toStrictEqual({
      id: 'c',
      title: '',
      createdAt: 5,
      // Never changed since it was made.
      updatedAt: 5,
      settings: { systemPrompt: 'S', overrides: {} },
      model: null,
      messages: {
        q: { ...withoutChatId(question), attachments: [{ id: 'f', name: 'a.pdf', kind: 'pdf', size: 3, text: 'abc' }], passages: [{ name: 'a.pdf', text: 'abc' }] },
        a: withoutChatId(reply),
      },
      leafId: 'a',
    });
    const [, d, e] = conversations;
    expect(d.settings).toEqual(e.settings);
    expect(d.settings).not.toBe(e.settings);
    expect(d.settings.overrides).not.toBe(e.settings.overrides);
  });

  it('gives the first reason a message cannot be read, in the order: ids, parent, role, text, files, passages', () => {
    const { unreadable } = restoreConversations(
      [chat({ id: 'c' })],
      [
        message({ ...question, id: 'no-parent', parentId: undefined, role: 'system' }),
        message({ ...question, id: 7, parentId: 5 }),
        message({ ...question, id: 'bad-role', role: 'system', content: 7 }),
        message({ ...question, id: 'bad-text', content: null, attachments: 'a.md' }),
        message({ ...question, id: 'bad-files', attachments: [{}], passages: [{}] }),
      ],
    );
    expect(unreadable.map(({ reason }) => reason)).toEqual([
      'it does not say which message it answers',
      'it has no message id or chat id',
      'it is neither a question nor a reply',
      'it has no text',
      'one of its files cannot be read',
    ]);
  });

  it('sets aside each record it cannot read, with its key and why, and loads the rest of the chat', () => {
    const { conversations, unreadable } = restoreConversations(
      [chat({ id: 5, title: 'number id' }), { key: 'text', value: 'not a chat' }, chat({ id: 'c', leafId: 'lost-child', settings })],
      [
        message(question),
        message(reply),
        message({ ...reply, id: 'no-text', content: 7 }),
        message({ ...reply, id: 'system', role: 'system' }),
        message({ ...question, id: 'bad-file', attachments: [{ name: 'a.md', text: 'abc' }] }),
        message({ ...reply, id: 'bad-passages', passages: 'a.md' }),
        message({ ...reply, id: 'lost', parentId: 'gone' }),
        message({ ...reply, id: 'lost-child', parentId: 'lost' }),
        message({ ...reply, id: 'loop-1', parentId: 'loop-2' }),
        message({ ...reply, id: 'loop-2', parentId: 'loop-1' }),
        message({ ...question, conversationId: 'deleted' }),
        message({ ...question, conversationId: 5 }),
      ],
    );
    expect(conversations.map(({ id, messages, leafId }) => ({ id, ids: Object.keys(messages), leafId }))).toEqual([
      // Its leaf was set aside: the newest branch shows.
      { id: 'c', ids: ['q', 'a'], leafId: 'a' },
    ]);
    expect(unreadable).toEqual([
      { store: 'messages', key: ['c', 'no-text'], reason: 'it has no text' },
      { store: 'messages', key: ['c', 'system'], reason: 'it is neither a question nor a reply' },
      { store: 'messages', key: ['c', 'bad-file'], reason: 'one of its files cannot be read' },
      { store: 'messages', key: ['c', 'bad-passages'], reason: 'one of the passages chosen from its files cannot be read' },
      { store: 'messages', key: [5, 'q'], reason: 'it has no message id or chat id' },
      { store: 'chats', key: 5, reason: 'it has no chat id' },
      { store: 'chats', key: 'text', reason: 'it is not a chat' },
      ...['lost', 'lost-child', 'loop-1', 'loop-2'].map((id) => ({
        store: 'messages',
        key: ['c', id],
        reason: 'the message it answers is missing or cannot be read',
      })),
      { store: 'messages', key: ['deleted', 'q'], reason: 'its chat is missing or cannot be read' },
    ]);
  });

  it('reaches each message id once, so two records of one id (which the key rules out) cannot double the tree', () => {
    const deep = Array.from({ length: 60 }, (_, index) => ({ ...reply, id: `m${index}`, parentId: index === 0 ? 'q' : `m${index - 1}` }));
    const { conversations } = restoreConversations(
      [chat({ id: 'c' })],
      [message(question), { key: ['c', 'q', 'twin'], value: question }, ...deep.map(message)],
    );
    expect(Object.keys(conversations[0].messages)).toHaveLength(61);
  });

  it('tells the person how many records were set aside, and that they are kept', () => {
    const set = (chats: number, messages: number) => [
      ...Array.from({ length: chats }, (_, key) => ({ store: 'chats' as const, key, reason: '' })),
      ...Array.from({ length: messages }, (_, key) => ({ store: 'messages' as const, key, reason: '' })),
    ];
    expect(unreadableNotice(set(1, 2))).toBe(
      'Part of the saved chats could not be read by this version of the app and is not shown (1 chat and 2 messages). It is kept in this browser’s storage, unchanged, and Import and export can save it to a file.',
    );
    expect(unreadableNotice(set(0, 1))).toMatch(/\(1 message\)/);
    expect(unreadableNotice(set(3, 0))).toMatch(/\(3 chats\)/);
  });
});

function withoutChatId({ conversationId: _, ...stored }: Record<string, unknown>) {
  return stored;
}
