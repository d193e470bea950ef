import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyBranding } from './branding';
import { markdownRenderer } from './components/MarkdownView';
import { PageFailed } from './components/PageFailed';
import { RenderGuard } from './components/RenderGuard';
import { isModelAllowed, loadConfig } from './config';
import { readEmbedOptions } from './embed/embed-options';
import { startHostBridge } from './embed/host-bridge';
import { WorkerEngineClient } from './engine-client';
import { registerServiceWorker } from './pwa/service-worker-updates';
import { createAppStore } from './store';
import { rememberTab, restoreDiscardedTab } from './tab-session';
import { AppProvider } from './store/context';
import './styles.css';

async function start(): Promise<void> {
  const updates = registerServiceWorker();
  const { config: loaded, problems } = await loadConfig();
  const embed = readEmbedOptions(window.location.search);
  const config = embed.model && isModelAllowed(loaded, embed.model) ? { ...loaded, defaultModel: embed.model } : loaded;
  applyBranding(config);
  let store: ReturnType<typeof createAppStore> | undefined;
  const engine = new WorkerEngineClient(
    () => new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' }),
    (reason, cause) => store?.getState().engineLost(reason, cause),
  );
  store = createAppStore({ engine, config });
  void store.getState().checkStorageMode();
  void store.getState().loadPreferences();
  const hydrated = store.getState().hydrate();
  // Embedded, the host page decides what is open.
  if (window.parent === window) {
    // Reads what the tab had open before remembering starts to overwrite it.
    void restoreDiscardedTab(store, hydrated);
    rememberTab(store);
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AppProvider store={store} config={config}>
        <RenderGuard fallback={(error) => <PageFailed title={config.title} error={error} />}>
          <App configProblems={problems} compact={embed.compact} updates={updates} />
        </RenderGuard>
      </AppProvider>
    </StrictMode>,
  );
  // Left out of the first load to keep it small. A reply on screen asks for it; the first reply of a session would
  // wait for it, so it is fetched as soon as a model starts loading, which takes longer.
  const stopWatchingLoads = store.subscribe((state) => {
    if (state.loadStatus !== 'loading') return;
    stopWatchingLoads();
    void markdownRenderer.load().then((renderer) => renderer.warmUp(), () => undefined);
  });
  if (window.parent !== window && config.embedOrigins.length > 0) {
    startHostBridge({ store, config, self: window, host: window.parent, ancestorOrigin: window.location.ancestorOrigins?.[0] ?? null });
  }
}

void start();
