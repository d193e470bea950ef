import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import { readDraft, saveDraft } from '../draft-storage';
import { filesInChats, type LibraryFile } from '../documents/file-library';
import { useApp, useGetState } from '../store/context';
import { AttachmentChips } from './AttachmentChips';
import { FileLibrary } from './FileLibrary';

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
  const preparingFiles = useApp((state) => state.preparingFiles);
  const attachFiles = useApp((state) => state.attachFiles);
  const removeAttachment = useApp((state) => state.removeAttachment);
  const filePicker = useRef<HTMLInputElement>(null);
  const getState = useGetState();
  // The files of every chat, read from the chats when the list is opened (not on every change of the store).
  const [library, setLibrary] = useState<LibraryFile[] | null>(null);
  const toggleLibrary = () => setLibrary(library ? null : filesInChats(Object.values(getState().conversations)));
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
        {library && <FileLibrary files={library} />}
        <AttachmentChips attachments={attachments} onRemove={removeAttachment} />
        {(reading.length > 0 || choosingPassages || preparingFiles) && (
          <p className="muted" role="status">
            {reading.length > 0 ? `Reading ${reading.join(', ')}…` : (choosingPassages ?? preparingFiles)}
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
        <button type="button" aria-expanded={library !== null} onClick={toggleLibrary}>
          From your chats
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
