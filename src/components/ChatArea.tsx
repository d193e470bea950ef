import { useState, type DragEvent, type ReactNode } from 'react';
import { useApp } from '../store/context';

const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

/** The chat: messages and the composer, and where files dropped from the desktop are attached to the next message. */
export function ChatArea({ children }: { children: ReactNode }) {
  const attachFiles = useApp((state) => state.attachFiles);
  const [dropping, setDropping] = useState(false);
  return (
    <main
      className={dropping ? 'chat dropping' : 'chat'}
      onDragEnter={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        // Leaving a child for another child is not leaving the chat.
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDropping(false);
        void attachFiles([...event.dataTransfer.files]);
      }}
    >
      {children}
    </main>
  );
}
