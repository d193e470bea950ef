import type { LibraryFile } from '../documents/file-library';
import { formatBytes } from '../format';
import { useApp } from '../store/context';

/** "Files from your chats": files attached in any chat, each attachable to the next message as it was read then. */
export function FileLibrary({ files }: { files: readonly LibraryFile[] }) {
  const attachFromChats = useApp((state) => state.attachFromChats);
  return (
    <section className="file-library" aria-label="Files from your chats">
      {files.length === 0 ? (
        <p className="muted">No file has been attached in a chat yet.</p>
      ) : (
        <ul>
          {files.map(({ attachment, chatTitle }) => (
            <li key={attachment.id}>
              <button type="button" className="quiet" aria-label={`Attach ${attachment.name}`} onClick={() => attachFromChats(attachment)}>
                {attachment.name}
              </button>
              <span className="muted">
                {formatBytes(attachment.size)} · from “{chatTitle || 'New chat'}”
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
