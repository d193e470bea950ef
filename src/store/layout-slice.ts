import type { SliceCreator } from './types';

/**
 * Whether the side panel (chats, model, settings) is shown. Only narrow screens can hide it: there it would push the
 * chat below the fold, so it folds away once a model is loaded or a chat is picked, and a header button brings it back.
 */
export interface LayoutSlice {
  panelOpen: boolean;
  setPanelOpen: (open: boolean) => void;
}

export const createLayoutSlice: SliceCreator<LayoutSlice> = () => (set) => ({
  panelOpen: true,
  setPanelOpen: (panelOpen) => set({ panelOpen }),
});
