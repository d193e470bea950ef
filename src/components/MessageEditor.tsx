import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { StoredMessage } from '../chat/types';
import { useApp } from '../store/context';

/** Edits a message in place; sending keeps the old version as a branch next to the new one. */
export function MessageEditor({ message, onDone }: { message: StoredMessage; onDone: () => void }) {
  const id = useId();
  const [draft, setDraft] = useState(message.content);
  const editMessage = useApp((state) => state.editMessage);
  const ready = useApp((state) => state.model !== null && !state.generating);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!ready || !draft.trim()) return;
    onDone();
    void editMessage(message.id, draft);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
    if (event.key === 'Escape') onDone();
  };
  return (
    <form className="message-editor" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Edit message
      </label>
      <textarea id={id} rows={3} value={draft} onChange={(event) => setDraft(event.target.value)} onKeyDown={onKeyDown} autoFocus />
      <div className="message-actions">
        <button type="submit" disabled={!ready || !draft.trim()}>
          Save and send
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
