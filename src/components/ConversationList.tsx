import { memo, useId, useState, type FormEvent } from 'react';
import { useApp } from '../store/context';
import { createListedIdsSelector } from '../store/selectors';
import { ImportExport } from './ImportExport';

function RenameForm({ conversationId, title: current, onDone }: { conversationId: string; title: string; onDone: () => void }) {
  const id = useId();
  const [title, setTitle] = useState(current);
  const rename = useApp((state) => state.renameConversation);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void rename(conversationId, title);
    onDone();
  };
  return (
    <form className="rename" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        New title
      </label>
      <input id={id} value={title} onChange={(event) => setTitle(event.target.value)} autoFocus onKeyDown={(event) => event.key === 'Escape' && onDone()} />
      <button type="submit">Save</button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/** One chat of the list, by id: it re-renders when its title changes, not while a reply streams into it. */
const ConversationItem = memo(function ConversationItem({ id, active }: { id: string; active: boolean }) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const openConversation = useApp((state) => state.openConversation);
  const setPanelOpen = useApp((state) => state.setPanelOpen);
  const open = (id: string) => {
    openConversation(id);
    setPanelOpen(false); // on a narrow screen, show the chat that was picked
  };
  const remove = useApp((state) => state.deleteConversation);
  const title = useApp((state) => state.conversations[id]?.title) || 'New chat';
  if (mode === 'rename') {
    return (
      <li className="conversation-item">
        <RenameForm conversationId={id} title={title} onDone={() => setMode('view')} />
      </li>
    );
  }
  return (
    <li className={`conversation-item${active ? ' active' : ''}`}>
      <button type="button" className="conversation-open" aria-current={active ? 'page' : undefined} onClick={() => open(id)}>
        {title}
      </button>
      {mode === 'confirm-delete' ? (
        <span className="confirm">
          <button type="button" onClick={() => void remove(id)}>
            Delete “{title}”
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Keep
          </button>
        </span>
      ) : (
        <span className="conversation-actions">
          <button type="button" aria-label={`Rename “${title}”`} onClick={() => setMode('rename')}>
            Rename
          </button>
          <button type="button" aria-label={`Delete “${title}”…`} onClick={() => setMode('confirm-delete')}>
            Delete
          </button>
        </span>
      )}
    </li>
  );
});

const selectListedIds = createListedIdsSelector();

/** The sidebar: new chat, search, the list of conversations kept on this device, import and export. */
export function ConversationList() {
  const searchId = useId();
  const listed = useApp(selectListedIds);
  const searchQuery = useApp((state) => state.searchQuery);
  const activeId = useApp((state) => state.activeId);
  const setSearchQuery = useApp((state) => state.setSearchQuery);
  const startConversation = useApp((state) => state.newConversation);
  const modelLoaded = useApp((state) => state.model !== null);
  const setPanelOpen = useApp((state) => state.setPanelOpen);
  const newConversation = () => {
    startConversation();
    // On a narrow screen, go to the new chat, unless a model still has to be picked here first.
    if (modelLoaded) setPanelOpen(false);
  };

  return (
    <nav className="conversations" aria-label="Chats">
      <button type="button" className="new-chat" onClick={newConversation}>
        New chat
      </button>
      <div className="field">
        <label htmlFor={searchId}>Search chats</label>
        <input id={searchId} type="search" value={searchQuery} onChange={(event) => setSearchQuery(event.target.value)} />
      </div>
      {listed.length === 0 ? (
        <p className="muted">{searchQuery ? 'No chat matches.' : 'No chats yet.'}</p>
      ) : (
        <ul className="conversation-list">
          {listed.map((id) => (
            <ConversationItem key={id} id={id} active={id === activeId} />
          ))}
        </ul>
      )}
      <ImportExport />
    </nav>
  );
}
