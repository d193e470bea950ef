import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './index';
import type { AppConfig } from '../config';

const StoreContext = createContext<{ store: AppStore; config: AppConfig } | null>(null);

export function AppProvider({ store, config, children }: { store: AppStore; config: AppConfig; children: ReactNode }) {
  return <StoreContext.Provider value={{ store, config }}>{children}</StoreContext.Provider>;
}

function useAppContext() {
  const context = useContext(StoreContext);
  if (!context) throw new Error('useApp must be used inside <AppProvider>.');
  return context;
}

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

/**
 * The store's current state, read when called (in an event handler) rather than watched: for actions, which never
 * change, so that a component does not subscribe to the store only to call one.
 */
export function useGetState(): () => AppState {
  return useAppContext().store.getState;
}

export function useConfig(): AppConfig {
  return useAppContext().config;
}
