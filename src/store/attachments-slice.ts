import { newId, type Attachment } from '../chat/types';
import { sameFile } from '../documents/file-library';
import { MAX_ATTACHMENTS, readAttachment } from '../documents/read-attachment';
import type { SliceCreator } from './types';

export interface AttachmentsSlice {
  /** Files read for the next message, in the order they were attached. */
  pendingAttachments: Attachment[];
  /** Names of the files being read now. */
  readingFiles: string[];
  /** Reads files for the next message; each one that cannot be read is reported and left out. */
  attachFiles: (files: readonly File[]) => Promise<void>;
  /** Attaches a file that was attached in a chat before (from the library), as it was read then. */
  attachFromChats: (attachment: Attachment) => void;
  removeAttachment: (id: string) => void;
}

function tooManyFiles(): Error {
  return new Error(`A message can have up to ${MAX_ATTACHMENTS} files. Remove some, or send them in two messages.`);
}

export const createAttachmentsSlice: SliceCreator<AttachmentsSlice> = () => (set, get) => ({
  pendingAttachments: [],
  readingFiles: [],

  attachFiles: async (files) => {
    const room = MAX_ATTACHMENTS - get().pendingAttachments.length - get().readingFiles.length;
    if (files.length > room) {
      get().reportError(tooManyFiles());
    }
    const taken = files.slice(0, Math.max(0, room));
    set((state) => ({ readingFiles: [...state.readingFiles, ...taken.map((file) => file.name)] }));
    await Promise.all(
      taken.map(async (file) => {
        try {
          const attachment = await readAttachment(file);
          set((state) => ({ pendingAttachments: [...state.pendingAttachments, attachment] }));
        } catch (error) {
          get().reportError(error);
        } finally {
          set((state) => {
            const index = state.readingFiles.indexOf(file.name);
            return { readingFiles: state.readingFiles.filter((_, at) => at !== index) };
          });
        }
      }),
    );
    get().prepareFiles();
  },

  attachFromChats: (attachment) => {
    const { pendingAttachments, readingFiles } = get();
    if (pendingAttachments.some((pending) => sameFile(pending, attachment))) return;
    if (pendingAttachments.length + readingFiles.length >= MAX_ATTACHMENTS) {
      get().reportError(tooManyFiles());
      return;
    }
    set({ pendingAttachments: [...pendingAttachments, { ...attachment, id: newId() }] });
    get().prepareFiles();
  },

  removeAttachment: (id) => {
    set((state) => ({ pendingAttachments: state.pendingAttachments.filter((attachment) => attachment.id !== id) }));
    get().prepareFiles();
  },
});
