import { describe, expect, it } from 'vitest';
import { documentKind } from './document-kinds';
import { MAX_ATTACHMENT_BYTES, readAttachment } from './read-attachment';

const file = (name: string, content: BlobPart, type = '') => new File([content], name, { type });

describe('documentKind', () => {
  it('knows a file by its extension, its whole name, then its type', () => {
    expect(documentKind('Notes.MD', '')).toBe('markdown');
    expect(documentKind('main.rs', '')).toBe('code');
    expect(documentKind('Dockerfile', '')).toBe('code');
    expect(documentKind('data.tsv', '')).toBe('csv');
    expect(documentKind('page', 'text/html; charset=utf-8')).toBe('html');
    expect(documentKind('notes', 'text/x-anything')).toBe('text');
    expect(documentKind('photo.jpg', 'image/jpeg')).toBeNull();
  });
});

describe('readAttachment', () => {
  it('reads text as UTF-8 with one kind of line break, and keeps the name and size', async () => {
    const attachment = await readAttachment(file('report.csv', 'a;b\r\n1;ü\r\n'));
    expect(attachment).toMatchObject({ name: 'report.csv', kind: 'csv', size: 11, text: 'a;b\n1;ü\n' });
    expect(attachment.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads a file of unknown kind whose bytes are text as text', async () => {
    expect(await readAttachment(file('NOTES.unknown', 'plain words'))).toMatchObject({ kind: 'text', text: 'plain words' });
  });

  it('refuses a binary file, an empty one and one too large, saying why', async () => {
    await expect(readAttachment(file('photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d])))).rejects.toThrow(
      /“photo.png” is not a text file/,
    );
    await expect(readAttachment(file('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9])))).rejects.toThrow(/not a text file/);
    await expect(readAttachment(file('empty.txt', ' \n '))).rejects.toThrow(/“empty.txt” has no text/);
    const huge = { name: 'huge.txt', type: 'text/plain', size: 200 * 1024 * 1024, arrayBuffer: () => Promise.reject(new Error('read')) };
    await expect(readAttachment(huge)).rejects.toThrow(`“huge.txt” is 200 MB; files up to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
  });
});
