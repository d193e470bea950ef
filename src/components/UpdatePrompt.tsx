import { useSyncExternalStore } from 'react';
import type { ServiceWorkerUpdates } from '../pwa/service-worker-updates';

/** Offers a waiting new version; reloading is the person's choice (their draft is kept across it). */
export function UpdatePrompt({ updates }: { updates: ServiceWorkerUpdates }) {
  const ready = useSyncExternalStore(updates.subscribe, updates.isUpdateReady);
  if (!ready) return null;
  return (
    <div className="update-prompt" role="status" aria-label="Update">
      <p>A new version is available.</p>
      <button type="button" onClick={updates.applyUpdate}>
        Reload
      </button>
    </div>
  );
}
