import { Workbox } from 'workbox-window';

/** How often an open tab asks the server whether a new version was deployed. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export interface ServiceWorkerUpdates {
  /** True once a new version is installed and waits for the person to accept it. */
  isUpdateReady: () => boolean;
  subscribe: (listener: () => void) => () => void;
  /** Activates the waiting version; the page reloads into it. */
  applyUpdate: () => void;
}

/**
 * Registers the service worker (sw.js, next to index.html) and reports when a new version is waiting. A new version
 * never takes over by itself: a half-typed message or a running reply would be lost. Without service-worker support
 * (plain http on a host other than localhost, some private modes) the app simply works online only.
 */
export function registerServiceWorker(): ServiceWorkerUpdates {
  let updateReady = false;
  const listeners = new Set<() => void>();
  const updates: ServiceWorkerUpdates = {
    isUpdateReady: () => updateReady,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyUpdate: () => {},
  };
  // The dev server has no sw.js; only the production build works offline.
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return updates;

  const workbox = new Workbox('./sw.js');
  workbox.addEventListener('waiting', () => {
    updateReady = true;
    for (const listener of listeners) listener();
  });
  let accepted = false;
  // The first install also changes the controller (the worker claims the page); only an accepted update reloads.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (accepted) window.location.reload();
  });
  updates.applyUpdate = () => {
    accepted = true;
    workbox.messageSkipWaiting();
  };

  const checkForUpdate = () => void workbox.update().catch(() => {});
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') checkForUpdate();
  });
  window.setInterval(checkForUpdate, UPDATE_CHECK_INTERVAL_MS);
  workbox.register().catch((error: unknown) => {
    console.warn('Offline use is unavailable: the service worker could not be registered.', error);
  });
  return updates;
}
