import { useState } from 'react';
import { useApp } from '../store/context';

export const IN_MEMORY_NOTICE =
  'This browser does not let the app keep data here (a private window, or a page embedded by another site with ' +
  'third-party storage blocked): downloaded models and chats last only until this tab closes.';

/** Says once, in words, that nothing will be kept when the browser refused the app storage. */
export function StorageModeNotice() {
  const inMemory = useApp((state) => state.storageInMemory);
  const [dismissed, setDismissed] = useState(false);
  if (!inMemory || dismissed) return null;
  return (
    <div className="storage-mode-notice" role="status" aria-label="Storage">
      <p>{IN_MEMORY_NOTICE}</p>
      <button type="button" className="quiet" aria-label="Dismiss storage message" onClick={() => setDismissed(true)}>
        ×
      </button>
    </div>
  );
}
