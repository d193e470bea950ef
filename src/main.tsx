import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadConfig } from './config';
import { WorkerEngineClient } from './engine-client';
import { createAppStore } from './store';
import { AppProvider } from './store/context';
import './styles.css';

async function start(): Promise<void> {
  const { config, problems } = await loadConfig();
  let store: ReturnType<typeof createAppStore> | undefined;
  const engine = new WorkerEngineClient(
    () => new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' }),
    () => store?.getState().engineLost(),
  );
  store = createAppStore({ engine, config });
  void store.getState().loadPreferences();
  void store.getState().hydrate();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AppProvider store={store} config={config}>
        <App configProblems={problems} />
      </AppProvider>
    </StrictMode>,
  );
}

void start();
