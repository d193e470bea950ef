import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import pdfWorkerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/** A PDF's text layer: each page's text under a marker the model can cite ("[Page 3]"), and the page count. */
export interface PdfText {
  text: string;
  pages: number;
}

/** Why a PDF's text could not be read, in words for the person (see readAttachment). */
export type PdfProblem = 'password' | 'damaged' | 'no-text';

export class PdfTextError extends Error {
  override name = 'PdfTextError';
  constructor(readonly problem: PdfProblem) {
    super(problem);
  }
}

/** The text of one page, a line for each line pdf.js found. */
async function pageText(document: PDFDocumentProxy, pageNumber: number): Promise<string> {
  const page = await document.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    let text = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      text += item.str + (item.hasEOL ? '\n' : '');
    }
    return text.replace(/[ \t]+\n/g, '\n').trim();
  } finally {
    page.cleanup();
  }
}

/**
 * Adobe's predefined CMaps, copied from pdfjs-dist by the build (vite.config.ts). A PDF whose font is not embedded and
 * is encoded by one of them (e.g. UniJIS-UCS2-H in a Japanese file) has no text without it.
 */
const cMapsUrl = (): string => new URL('pdfjs/cmaps/', document.baseURI).href;

/**
 * Reads the text layer of a PDF with pdf.js, which parses the file in a worker of its own (started for this file and
 * ended with it, served from this app's origin), off the page's main thread. The bytes are handed over; the only
 * fetches are CMaps from this origin, when a font needs one. Fonts are not loaded.
 */
export async function pdfToText(bytes: ArrayBuffer): Promise<PdfText> {
  GlobalWorkerOptions.workerSrc = pdfWorkerUrl;
  const loading = getDocument({
    data: new Uint8Array(bytes),
    cMapUrl: cMapsUrl(),
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    let document: PDFDocumentProxy;
    try {
      document = await loading.promise;
    } catch (error) {
      throw new PdfTextError((error as Error | null)?.name === 'PasswordException' ? 'password' : 'damaged');
    }
    const pages: string[] = [];
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) pages.push(await pageText(document, pageNumber));
    if (pages.every((page) => page === '')) throw new PdfTextError('no-text');
    return { text: pages.map((page, index) => `[Page ${index + 1}]\n${page}`).join('\n\n'), pages: pages.length };
  } finally {
    // Ends the document and the worker pdf.js started for it.
    await loading.destroy();
  }
}
