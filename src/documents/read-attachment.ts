import { newId, type Attachment } from '../chat/types';
import { documentKind } from './document-kinds';
import { htmlToText } from './html-text';
import type { PdfProblem } from './pdf-text';

/** Larger text files are refused before a byte is read: their text would not fit any model this app runs. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** A PDF carries fonts and pictures besides its text, so it may be larger. */
export const MAX_PDF_BYTES = 100 * 1024 * 1024;
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

/** Every PDF starts with these bytes, whatever its name says. */
function startsLikePdf(bytes: ArrayBuffer): boolean {
  return new TextDecoder('latin1').decode(bytes.slice(0, 5)) === '%PDF-';
}

const PDF_PROBLEMS: Record<PdfProblem, (name: string) => string> = {
  password: (name) => `“${name}” is protected by a password, so its text cannot be read. Save a copy without the password and attach that.`,
  damaged: (name) => `“${name}” could not be read as a PDF: the file is damaged or is not a PDF.`,
  'no-text': (name) =>
    `“${name}” has no text layer (its pages are pictures, as in a scan), so there is nothing to read. Run it through text recognition (OCR) first, then attach it again.`,
};

async function readPdf(name: string, bytes: ArrayBuffer): Promise<{ text: string; pages: number }> {
  const { pdfToText, PdfTextError } = await import('./pdf-text');
  try {
    return await pdfToText(bytes);
  } catch (error) {
    if (error instanceof PdfTextError) throw new AttachmentError(PDF_PROBLEMS[error.problem](name));
    throw error;
  }
}

/**
 * Reads a file a person attached into the text the model will read, or throws an AttachmentError that says why it
 * cannot be attached. Nothing is stored here: the caller keeps the attachment only once it is whole.
 */
export async function readAttachment(file: Pick<File, 'name' | 'size' | 'type' | 'arrayBuffer'>): Promise<Attachment> {
  const named = documentKind(file.name, file.type);
  const limit = named === 'pdf' ? MAX_PDF_BYTES : MAX_ATTACHMENT_BYTES;
  if (file.size > limit) {
    throw new AttachmentError(
      `“${file.name}” is ${megabytes(file.size)}; ${named === 'pdf' ? 'PDF files' : 'files'} up to ${megabytes(limit)} can be attached. Attach the part you want to ask about.`,
    );
  }
  const bytes = await file.arrayBuffer();
  let attachment: Pick<Attachment, 'kind' | 'text' | 'pages'>;
  if (named === 'pdf' || (named === null && startsLikePdf(bytes))) {
    attachment = { kind: 'pdf', ...(await readPdf(file.name, bytes)) };
  } else {
    const text = decodeText(bytes);
    if (text === null) {
      throw new AttachmentError(
        `“${file.name}” is not a text file, so it cannot be attached. Attach text, Markdown, source code, CSV, JSON, HTML or PDF.`,
      );
    }
    const kind = named ?? 'text';
    attachment = { kind, text: kind === 'html' ? htmlToText(text) : text };
  }
  const text = attachment.text.replace(/\r\n?/g, '\n');
  if (!text.trim()) throw new AttachmentError(`“${file.name}” has no text to read.`);
  if (text.length > MAX_ATTACHMENT_CHARACTERS) {
    throw new AttachmentError(
      `“${file.name}” holds ${text.length.toLocaleString('en')} characters; a file may hold up to ${MAX_ATTACHMENT_CHARACTERS.toLocaleString('en')}. Attach the part you want to ask about.`,
    );
  }
  return { id: newId(), name: file.name, size: file.size, ...attachment, text };
}
