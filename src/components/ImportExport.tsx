import { useId, useState, type ChangeEvent } from 'react';
import { hasMessages as holdsMessages } from '../chat/types';
import { useApp } from '../store/context';
import type { ExportedFile } from '../store/conversations-slice';

function download({ fileName, mimeType, text }: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves conversations as files (versioned JSON, or Markdown for one) and reads JSON exports back in. */
export function ImportExport() {
  const inputId = useId();
  const [imported, setImported] = useState<string | null>(null);
  const [withFiles, setWithFiles] = useState(false);
  const activeId = useApp((state) => state.activeId);
  const hasMessages = useApp((state) => holdsMessages(state.conversations[state.activeId]));
  const exportConversation = useApp((state) => state.exportConversation);
  const exportAll = useApp((state) => state.exportAll);
  const importConversations = useApp((state) => state.importConversations);
  const unreadableCount = useApp((state) => state.unreadable.length);
  const exportUnreadable = useApp((state) => state.exportUnreadable);
  const reportError = useApp((state) => state.reportError);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const count = await importConversations(file);
    setImported(count > 0 ? `Imported ${count} ${count === 1 ? 'chat' : 'chats'} from ${file.name}.` : null);
  };

  return (
    <details className="import-export">
      <summary>Import and export</summary>
      <div className="button-column">
        <label>
          <input type="checkbox" checked={withFiles} onChange={(event) => setWithFiles(event.target.checked)} /> Include attached files in
          JSON exports
        </label>
        <button type="button" disabled={!hasMessages} onClick={() => download(exportConversation(activeId, 'json', withFiles))}>
          Export this chat (JSON)
        </button>
        <button type="button" disabled={!hasMessages} onClick={() => download(exportConversation(activeId, 'markdown'))}>
          Export this chat (Markdown)
        </button>
        <button type="button" onClick={() => download(exportAll(withFiles))}>
          Export all chats (JSON)
        </button>
        {unreadableCount > 0 && (
          <button type="button" onClick={() => void exportUnreadable().then(download, reportError)}>
            Save the {unreadableCount} unreadable stored {unreadableCount === 1 ? 'record' : 'records'} to a file
          </button>
        )}
        <label htmlFor={inputId} className="file-label">
          Import chats (JSON)
        </label>
        <input id={inputId} type="file" accept="application/json,.json" onChange={(event) => void onFile(event)} />
        {imported && (
          <p role="status" className="muted">
            {imported}
          </p>
        )}
      </div>
    </details>
  );
}
