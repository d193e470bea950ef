import { describe, expect, it } from 'vitest';
import { emptyConversation, type Attachment, type Conversation } from '../chat/types';
import { filesInChats } from './file-library';

const file = (name: string, text = `text of ${name}`): Attachment => ({ id: `${name}-${Math.random()}`, name, kind: 'text', size: text.length, text });

function chat(title: string, files: { at: number; attachments: Attachment[] }[]): Conversation {
  const conversation = { ...emptyConversation(''), title };
  for (const [i, { at, attachments }] of files.entries()) {
    const id = `${title}-${i}`;
    conversation.messages = { ...conversation.messages, [id]: { id, parentId: null, role: 'user', content: 'q', status: 'done', createdAt: at, attachments } };
  }
  return conversation;
}

describe('filesInChats', () => {
  it('lists every attached file once, newest first, with the chat it was last attached in', () => {
    const notes = file('notes.txt');
    const library = filesInChats([
      chat('Plans', [{ at: 1, attachments: [notes, file('a.csv')] }]),
      chat('Budget', [{ at: 5, attachments: [{ ...notes, id: 'again' }] }, { at: 3, attachments: [file('report.pdf')] }]),
    ]);
    expect(library.map((entry) => [entry.attachment.name, entry.chatTitle, entry.attachedAt])).toEqual([
      ['notes.txt', 'Budget', 5],
      ['report.pdf', 'Budget', 3],
      ['a.csv', 'Plans', 1],
    ]);
  });

  it('keeps two files of one name apart when their text differs', () => {
    const library = filesInChats([chat('One', [{ at: 1, attachments: [file('notes.txt', 'old'), file('notes.txt', 'new!')] }])]);
    expect(library.map((entry) => entry.attachment.text).sort()).toEqual(['new!', 'old']);
  });
});
