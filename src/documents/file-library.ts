import type { Attachment, Conversation } from '../chat/types';
import { fingerprint } from '../../shared/fingerprint';

/** A file attached in some chat, offered for the next message: its newest copy and the chat it is from. */
export interface LibraryFile {
  attachment: Attachment;
  chatTitle: string;
  attachedAt: number;
}

/** The same file attached twice (in one chat or two) is one entry: same name, size and text. */
export function sameFile(a: Attachment, b: Attachment): boolean {
  return a.name === b.name && a.size === b.size && a.text === b.text;
}

/**
 * Every file attached to a message in these chats, each once, newest first: the library a new message can take
 * files from without reading them again. Reads every message, so it is called when the library is opened, not on
 * every change of the store.
 */
export function filesInChats(conversations: Iterable<Conversation>): LibraryFile[] {
  const found: LibraryFile[] = [];
  for (const conversation of conversations) {
    for (const id in conversation.messages) {
      const message = conversation.messages[id];
      for (const attachment of message.attachments ?? []) {
        const known = found.find((entry) => sameFile(entry.attachment, attachment));
        if (known && known.attachedAt >= message.createdAt) continue;
        if (known) found.splice(found.indexOf(known), 1);
        found.push({ attachment, chatTitle: conversation.title, attachedAt: message.createdAt });
      }
    }
  }
  return found.sort((a, b) => b.attachedAt - a.attachedAt);
}

/** The fingerprints of every file attached in these chats: the files whose passages' vectors are worth keeping. */
export function fingerprintsOfFiles(conversations: Iterable<Conversation>): string[] {
  const texts = new Set<string>();
  for (const conversation of conversations) {
    for (const id in conversation.messages) {
      for (const attachment of conversation.messages[id].attachments ?? []) texts.add(attachment.text);
    }
  }
  return [...texts].map(fingerprint);
}
