import { newId, type Attachment } from '../chat/types';
import { documentKind } from './document-kinds';
import { htmlToText } from './html-text';

/** Larger files are refused before a byte is read: their text would not fit any model this app runs. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** More files than this make a message no model's context holds whole. */
export const MAX_ATTACHMENTS = 10;
/** The most text one file may hold once read (a message is stored and exported with its files). */
export const MAX_ATTACHMENT_CHARACTERS = 2_000_000;

export class AttachmentError extends Error {
  override name = 'AttachmentError';
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** UTF-8 text, or null when the bytes are not text (invalid UTF-8, or NUL bytes as in every binary format). */
function decodeText(bytes: ArrayBuffer): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

/**
 * Reads a file a person attached into the text the model will read, or throws an AttachmentError that says why it
 * cannot be attached. Nothing is stored here: the caller keeps the attachment only once it is whole.
 */
export async function readAttachment(file: Pick<File, 'name' | 'size' | 'type' | 'arrayBuffer'>): Promise<Attachment> {
  if (file.size > MAX_ATTACHMENT_BYTES) {
    throw new AttachmentError(
      `“${file.name}” is ${megabytes(file.size)}; files up to ${megabytes(MAX_ATTACHMENT_BYTES)} can be attached. Attach the part you want to ask about.`,
    );
  }
  const named = documentKind(file.name, file.type);
  const text = decodeText(await file.arrayBuffer());
  if (text === null) {
    throw new AttachmentError(
      `“${file.name}” is not a text file, so it cannot be attached. Attach text, Markdown, source code, CSV, JSON or HTML.`,
    );
  }
  const kind = named ?? 'text';
  const content = (kind === 'html' ? htmlToText(text) : text).replace(/\r\n?/g, '\n');
  if (!content.trim()) throw new AttachmentError(`“${file.name}” has no text to read.`);
  if (content.length > MAX_ATTACHMENT_CHARACTERS) {
    throw new AttachmentError(
      `“${file.name}” holds ${content.length.toLocaleString('en')} characters; a file may hold up to ${MAX_ATTACHMENT_CHARACTERS.toLocaleString('en')}. Attach the part you want to ask about.`,
    );
  }
  return { id: newId(), name: file.name, kind, size: file.size, text: content };
}
