import { APP_VERSION } from './build-info';
import { BackendBadge } from './components/BackendBadge';
import { Composer } from './components/Composer';
import { ConfigProblems } from './components/ConfigProblems';
import { ConversationList } from './components/ConversationList';
import { LoadProgress } from './components/LoadProgress';
import { MessageList } from './components/MessageList';
import { ModelPicker } from './components/ModelPicker';
import { Notices } from './components/Notices';
import { SettingsPanel } from './components/SettingsPanel';
import { StorageModeNotice } from './components/StorageModeNotice';
import { StoredModels } from './components/StoredModels';
import { UpdatePrompt } from './components/UpdatePrompt';
import type { ServiceWorkerUpdates } from './pwa/service-worker-updates';
import { useConfig } from './store/context';

interface AppProps {
  configProblems: string[];
  /** The compact layout of `?embed=1`: model and chat in one column, no side panel. */
  compact: boolean;
  updates: ServiceWorkerUpdates;
}

export function App({ configProblems, compact, updates }: AppProps) {
  const { title } = useConfig();
  return (
    <div className={compact ? 'app compact' : 'app'}>
      <header className="app-header">
        <h1>{title}</h1>
        <BackendBadge />
      </header>
      <ConfigProblems problems={configProblems} />
      <UpdatePrompt updates={updates} />
      <StorageModeNotice />
      <Notices />
      {compact ? (
        <main className="chat">
          <ModelPicker compact />
          <LoadProgress />
          <MessageList />
          <Composer />
        </main>
      ) : (
        <div className="layout">
          <aside className="side-panel" aria-label="Model and settings">
            <ConversationList />
            <ModelPicker />
            <LoadProgress />
            <SettingsPanel />
            <StoredModels />
            <p className="app-version muted">Version {APP_VERSION}</p>
          </aside>
          <main className="chat">
            <MessageList />
            <Composer />
          </main>
        </div>
      )}
    </div>
  );
}
