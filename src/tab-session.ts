import * as z from 'zod/mini';
import { DEVICES, DTYPES } from '../shared/protocol';
import type { AppStore } from './store';

const KEY = 'airgap-chat:tab';

/** What this tab had open: the chat, and the model as it was loaded. */
const TAB_SESSION = z.object({
  activeId: z.string(),
  model: z.nullable(z.object({ repo: z.string(), device: z.enum(DEVICES), dtype: z.enum(DTYPES) })),
});
type TabSession = z.infer<typeof TAB_SESSION>;

function recall(): TabSession | null {
  try {
    const parsed = TAB_SESSION.safeParse(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // storage disabled, or not our JSON
  }
}

/**
 * Keeps what this tab has open in sessionStorage (this tab only, never sent anywhere), as the draft is kept, so a tab
 * the browser discarded to save memory comes back as it was.
 */
export function rememberTab(store: AppStore): void {
  const save = ({ activeId, model }: ReturnType<AppStore['getState']>) => {
    const session: TabSession = { activeId, model: model && { repo: model.repo, device: model.device, dtype: model.dtype } };
    try {
      sessionStorage.setItem(KEY, JSON.stringify(session));
    } catch {
      // Full or disabled storage costs only this restore.
    }
  };
  save(store.getState());
  // Called on every change of the store, a streamed frame included: it writes only when the chat or the model changed.
  store.subscribe((state, previous) => {
    if (state.activeId !== previous.activeId || state.model !== previous.model) save(state);
  });
}

/**
 * A tab the browser discarded (to save memory, or while the machine slept) is loaded afresh when the person comes back
 * to it: open the chat it had open and load its model again from storage, without asking the hub.
 */
export async function restoreDiscardedTab(store: AppStore, hydrated: Promise<void>): Promise<void> {
  // Chromium says so (`wasDiscarded`); other browsers reload such a tab like any other.
  if (!(document as Document & { wasDiscarded?: boolean }).wasDiscarded) return;
  const session = recall();
  if (!session) return;
  await hydrated;
  const state = store.getState();
  // A chat that is not stored was a new one, not yet sent: the draft belongs there, not in the newest chat.
  if (state.conversations[session.activeId]) state.openConversation(session.activeId);
  else state.newConversation();
  if (session.model && !state.model && state.loadStatus === 'idle') await state.reloadModel(session.model);
}
