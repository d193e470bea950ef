import type { Attachment } from '../chat/types';
import { MAX_ATTACHMENTS, readAttachment } from '../documents/read-attachment';
import type { SliceCreator } from './types';

export interface AttachmentsSlice {
  /** Files read for the next message, in the order they were attached. */
  pendingAttachments: Attachment[];
  /** Names of the files being read now. */
  readingFiles: string[];
  /** Reads files for the next message; each one that cannot be read is reported and left out. */
  attachFiles: (files: readonly File[]) => Promise<void>;
  removeAttachment: (id: string) => void;
}

export const createAttachmentsSlice: SliceCreator<AttachmentsSlice> = () => (set, get) => ({
  pendingAttachments: [],
  readingFiles: [],

  attachFiles: async (files) => {
    const room = MAX_ATTACHMENTS - get().pendingAttachments.length - get().readingFiles.length;
    if (files.length > room) {
      get().reportError(new Error(`A message can have up to ${MAX_ATTACHMENTS} files. Remove some, or send them in two messages.`));
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
  },

  removeAttachment: (id) => set((state) => ({ pendingAttachments: state.pendingAttachments.filter((attachment) => attachment.id !== id) })),
});
