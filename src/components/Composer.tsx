import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import { readDraft, saveDraft } from '../draft-storage';
import { useApp } from '../store/context';
import { AttachmentChips } from './AttachmentChips';

/** The message box: Enter sends, Shift+Enter adds a line, Escape stops the reply; files attach by button or paste. */
export function Composer() {
  const [draft, setDraft] = useState(readDraft);
  const send = useApp((state) => state.send);
  const stop = useApp((state) => state.stopGeneration);
  const generating = useApp((state) => state.generating);
  const ready = useApp((state) => state.model !== null);
  const attachments = useApp((state) => state.pendingAttachments);
  const reading = useApp((state) => state.readingFiles);
  const choosingPassages = useApp((state) => state.choosingPassages);
  const attachFiles = useApp((state) => state.attachFiles);
  const removeAttachment = useApp((state) => state.removeAttachment);
  const filePicker = useRef<HTMLInputElement>(null);
  useEffect(() => saveDraft(draft), [draft]);

  const canSend = ready && !generating && !choosingPassages && reading.length === 0 && draft.trim() !== '';
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    void send(draft);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
    if (event.key === 'Escape' && (generating || choosingPassages)) stop();
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    void attachFiles([...event.clipboardData.files]);
  };

  return (
    <form className="composer" onSubmit={submit}>
      <div className="composer-body">
        <AttachmentChips attachments={attachments} onRemove={removeAttachment} />
        {(reading.length > 0 || choosingPassages) && (
          <p className="muted" role="status">
            {reading.length > 0 ? `Reading ${reading.join(', ')}…` : choosingPassages}
          </p>
        )}
        <textarea
          aria-label="Message"
          rows={2}
          value={draft}
          placeholder={!ready ? 'Load a model to start chatting' : attachments.length > 0 ? 'Ask about the attached files' : 'Message'}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
      </div>
      <div className="composer-actions">
        <button type="submit" disabled={!canSend}>
          Send
        </button>
        <button type="button" onClick={stop} disabled={!generating && !choosingPassages}>
          Stop
        </button>
        <button type="button" onClick={() => filePicker.current?.click()}>
          Attach files
        </button>
        <input
          ref={filePicker}
          type="file"
          multiple
          hidden
          onChange={(event) => {
            void attachFiles([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
      </div>
    </form>
  );
}
