import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { readDraft, saveDraft } from '../draft-storage';
import { useApp } from '../store/context';

/** The message box: Enter sends, Shift+Enter adds a line, Escape stops the reply. */
export function Composer() {
  const [draft, setDraft] = useState(readDraft);
  const send = useApp((state) => state.send);
  const stop = useApp((state) => state.stopGeneration);
  const generating = useApp((state) => state.generating);
  const ready = useApp((state) => state.model !== null && state.loadStatus !== 'loading');
  useEffect(() => saveDraft(draft), [draft]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!ready || generating || !draft.trim()) return;
    void send(draft);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
    if (event.key === 'Escape' && generating) stop();
  };

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        rows={2}
        value={draft}
        placeholder={ready ? 'Message' : 'Load a model to start chatting'}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-actions">
        <button type="submit" disabled={!ready || generating || !draft.trim()}>
          Send
        </button>
        <button type="button" onClick={stop} disabled={!generating}>
          Stop
        </button>
      </div>
    </form>
  );
}
