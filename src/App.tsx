import { APP_VERSION } from './build-info';
import { BackendBadge } from './components/BackendBadge';
import { ChatArea } from './components/ChatArea';
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
import { useApp, useConfig } from './store/context';

interface AppProps {
  configProblems: string[];
  /** The compact layout of `?embed=1`: model and chat in one column, no side panel. */
  compact: boolean;
  updates: ServiceWorkerUpdates;
}

const SIDE_PANEL_ID = 'side-panel';

/** Shows and hides the side panel; only on narrow screens, where the panel would otherwise push the chat away. */
function PanelToggle() {
  const panelOpen = useApp((state) => state.panelOpen);
  const setPanelOpen = useApp((state) => state.setPanelOpen);
  return (
    <button type="button" className="panel-toggle" aria-expanded={panelOpen} aria-controls={SIDE_PANEL_ID} onClick={() => setPanelOpen(!panelOpen)}>
      Chats and settings
    </button>
  );
}

export function App({ configProblems, compact, updates }: AppProps) {
  const { title } = useConfig();
  const panelOpen = useApp((state) => state.panelOpen);
  return (
    <div className={compact ? 'app compact' : 'app'}>
      <header className="app-header">
        <h1>{title}</h1>
        {!compact && <PanelToggle />}
        <BackendBadge />
      </header>
      <ConfigProblems problems={configProblems} />
      <UpdatePrompt updates={updates} />
      <StorageModeNotice />
      <Notices />
      {compact ? (
        <ChatArea>
          <ModelPicker compact />
          <LoadProgress />
          <MessageList />
          <Composer />
        </ChatArea>
      ) : (
        <div className="layout">
          <aside id={SIDE_PANEL_ID} className={panelOpen ? 'side-panel' : 'side-panel folded'} aria-label="Model and settings">
            <ConversationList />
            <ModelPicker />
            <LoadProgress />
            <SettingsPanel />
            <StoredModels />
            <p className="app-version muted">Version {APP_VERSION}</p>
          </aside>
          <ChatArea>
            <MessageList />
            <Composer />
          </ChatArea>
        </div>
      )}
    </div>
  );
}
