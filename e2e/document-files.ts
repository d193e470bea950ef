import {
  beginText,
  endText,
  moveText,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFString,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFontAndSize,
  showText,
  StandardFonts,
} from 'pdf-lib';

/** A PDF with one line of text on each page (none for an empty line: that page is only a grey box, as in a scan). */
export async function pdfWithPages(lines: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const line of lines) {
    const page = pdf.addPage([612, 300]);
    if (line) page.drawText(line, { x: 40, y: 200, size: 14, font });
    else page.drawRectangle({ x: 40, y: 40, width: 300, height: 200, color: rgb(0.5, 0.5, 0.5) });
  }
  return Buffer.from(await pdf.save());
}

/**
 * A one-page Japanese PDF as many office tools write them: the font is not embedded, and its text is encoded by
 * Adobe's predefined UniJIS-UCS2-H CMap (each character's UTF-16 code), so a reader needs that CMap to know the text.
 */
export async function japanesePdf(text: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const { context } = pdf;
  const fontName = 'KozMinPr6N-Regular';
  const descriptor = context.obj({ Type: 'FontDescriptor', FontName: fontName, Flags: 4, FontBBox: [0, -141, 1000, 859] });
  const cidFont = context.obj({
    Type: 'Font',
    Subtype: 'CIDFontType0',
    BaseFont: fontName,
    CIDSystemInfo: context.obj({ Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Japan1'), Supplement: 6 }),
    FontDescriptor: context.register(descriptor),
  });
  const font = context.obj({
    Type: 'Font',
    Subtype: 'Type0',
    BaseFont: `${fontName}-UniJIS-UCS2-H`,
    Encoding: 'UniJIS-UCS2-H',
    DescendantFonts: [context.register(cidFont)],
  });
  const page = pdf.addPage([595, 300]);
  page.node.setFontDictionary(PDFName.of('F1'), context.register(font));
  const utf16 = Array.from(text, (character) => character.charCodeAt(0).toString(16).padStart(4, '0')).join('');
  page.pushOperators(pushGraphicsState(), beginText(), setFontAndSize('F1', 14), moveText(40, 200), showText(PDFHexString.of(utf16)), endText(), popGraphicsState());
  return Buffer.from(await pdf.save());
}

/** The 40 pages of the retrieval tests: only page 23 answers where the automobile is parked, in other words. */
export const BOOK_LINES = Array.from({ length: 40 }, (_, index) =>
  index === 22 ? 'A car waits in a barn.' : `The road goes on past fields and farms, day ${index + 1} of the walk.`,
);

/**
 * Every message record the conversations database holds, as JSON. Runs in the page: pass it to `page.evaluate` of
 * Playwright or Puppeteer.
 */
export async function storedMessagesJson(): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('airgap-chat-conversations');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const records = await new Promise<unknown[]>((resolve, reject) => {
    const request = db.transaction('messages').objectStore('messages').getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return JSON.stringify(records);
}
