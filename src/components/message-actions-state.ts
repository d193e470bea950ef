import { createContext } from 'react';

/** What every message's buttons follow: whether a reply is being written, and whether a model is loaded. */
export interface MessageActionsState {
  generating: boolean;
  modelReady: boolean;
}

/**
 * Given by the message list from deferred values, so when a reply starts or ends, a thousand messages' buttons are
 * updated in a render React splits into short slices, not in one long main-thread task. The store's actions refuse
 * what the buttons disable, so a click in the moment before they are updated does nothing.
 */
export const MessageActionsStateContext = createContext<MessageActionsState>({ generating: false, modelReady: false });
