import type { DocumentText, Passage } from './protocol';

/** Attribute values in the tags: quotes and line breaks would end a tag early. */
function attribute(value: string): string {
  return value.replace(/["\n\r]/g, ' ');
}

/** One passage in the tag the model cites it by: its number, its file and where in the file it is. */
export function passageBlock(passage: Passage, id: number): string {
  const where = `${passage.page !== undefined ? ` page="${passage.page}"` : ''}${passage.section ? ` section="${attribute(passage.section)}"` : ''}`;
  return `<passage id="${id}" source="${attribute(passage.name)}"${where}>\n${passage.text.trim()}\n</passage>`;
}

/** Said after the passages, so the model names what it used; the page lists the sources whether it does or not. */
export const CITE_PASSAGES = 'Answer from the passages above, and cite the ones you use by their id, like [1].';

/**
 * A user message as the model reads it. With `passages` (files too long for the context), the chosen parts of the
 * files, numbered, then how to cite them; otherwise each file whole in a numbered tag that names it. Then the
 * message itself. The tags are plain text in the message, so every chat template carries them.
 */
export function withDocuments(content: string, documents: readonly DocumentText[] | undefined, passages?: readonly Passage[]): string {
  if (passages) return `${passages.map((passage, index) => passageBlock(passage, index + 1)).join('\n\n')}\n\n${CITE_PASSAGES}\n\n${content}`;
  if (!documents?.length) return content;
  const blocks = documents.map(
    (document, index) => `<document id="${index + 1}" name="${attribute(document.name)}">\n${document.text.trim()}\n</document>`,
  );
  return `${blocks.join('\n\n')}\n\n${content}`;
}
