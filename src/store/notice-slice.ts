import { isCancellation } from '../../shared/protocol';
import type { SliceCreator } from './types';

export interface Notice {
  id: number;
  message: string;
}

export interface NoticeSlice {
  notices: Notice[];
  /** Shows an error to the person; cancellations are their own doing and are not reported. */
  reportError: (error: unknown) => void;
  dismissNotice: (id: number) => void;
}

let nextNoticeId = 1;

export function messageFor(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again; if it keeps happening, reload the page.';
}

export const createNoticeSlice: SliceCreator<NoticeSlice> = () => (set) => ({
  notices: [],
  reportError: (error) => {
    if (isCancellation(error)) return;
    const message = messageFor(error);
    set((state) => ({
      // The same message twice in a row says nothing new.
      notices: state.notices.some((notice) => notice.message === message)
        ? state.notices
        : [...state.notices, { id: nextNoticeId++, message }],
    }));
  },
  dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
});
