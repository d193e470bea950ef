import { BackendBadge } from './components/BackendBadge';
import { Composer } from './components/Composer';
import { ConfigProblems } from './components/ConfigProblems';
import { ConversationList } from './components/ConversationList';
import { LoadProgress } from './components/LoadProgress';
import { MessageList } from './components/MessageList';
import { ModelPicker } from './components/ModelPicker';
import { Notices } from './components/Notices';
import { SettingsPanel } from './components/SettingsPanel';
import { StoredModels } from './components/StoredModels';

export function App({ configProblems }: { configProblems: string[] }) {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Airgap Chat</h1>
        <BackendBadge />
      </header>
      <ConfigProblems problems={configProblems} />
      <Notices />
      <div className="layout">
        <aside className="side-panel" aria-label="Model and settings">
          <ConversationList />
          <ModelPicker />
          <LoadProgress />
          <SettingsPanel />
          <StoredModels />
        </aside>
        <main className="chat">
          <MessageList />
          <Composer />
        </main>
      </div>
    </div>
  );
}
