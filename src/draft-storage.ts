const DRAFT_KEY = 'airgap-chat:draft';

/**
 * The half-typed message, kept in sessionStorage (this tab only, never sent anywhere) so that reloading into a new
 * version, or by accident, does not lose it.
 */
export function readDraft(): string {
  try {
    return sessionStorage.getItem(DRAFT_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the draft lives in memory only
  }
}

export function saveDraft(text: string): void {
  try {
    if (text) sessionStorage.setItem(DRAFT_KEY, text);
    else sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // Full or disabled storage costs only the draft's survival of a reload.
  }
}
