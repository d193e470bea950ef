import type { Attachment } from '../chat/types';

/** Attribute values in the document tags: quotes and line breaks would end the tag early. */
function attribute(value: string): string {
  return value.replace(/["\n\r]/g, ' ');
}

/**
 * A user message as the model reads it: each attached file whole, in a tag that names it and gives it a number to
 * cite it by, then the message itself. The tags are plain text in the message, so every chat template carries them.
 */
export function withDocuments(content: string, attachments: readonly Attachment[] | undefined): string {
  if (!attachments?.length) return content;
  const documents = attachments.map(
    (attachment, index) => `<document id="${index + 1}" name="${attribute(attachment.name)}">\n${attachment.text.trim()}\n</document>`,
  );
  return `${documents.join('\n\n')}\n\n${content}`;
}
