import { useState } from 'react';
import type { Attachment } from '../chat/types';
import { formatBytes } from '../format';

const KIND_LABEL: Record<Attachment['kind'], string> = {
  text: 'text',
  markdown: 'Markdown',
  code: 'code',
  csv: 'table',
  json: 'JSON',
  html: 'web page, text only',
  pdf: 'PDF',
};

/**
 * The files of a message (or of the message being written, with `onRemove`), as chips: name, kind and size. A chip
 * opens the text the model read from its file, as plain text (a web page's markup is never rendered).
 */
export function AttachmentChips({ attachments, onRemove }: { attachments: readonly Attachment[]; onRemove?: (id: string) => void }) {
  const [openId, setOpenId] = useState<string | null>(null);
  if (attachments.length === 0) return null;
  const open = attachments.find((attachment) => attachment.id === openId);
  return (
    <>
      <ul className="attachments" aria-label="Attached files">
        {attachments.map((attachment) => (
          <li key={attachment.id} className="attachment">
            <button
              type="button"
              className="attachment-name"
              aria-label={`Show the text of ${attachment.name}`}
              aria-expanded={attachment.id === openId}
              onClick={() => setOpenId(attachment.id === openId ? null : attachment.id)}
            >
              {attachment.name}
            </button>
            <span className="muted">
              {KIND_LABEL[attachment.kind]}
              {attachment.pages !== undefined && ` · ${attachment.pages} ${attachment.pages === 1 ? 'page' : 'pages'}`} · {formatBytes(attachment.size)}
            </span>
            {onRemove && (
              <button type="button" className="attachment-remove" aria-label={`Remove ${attachment.name}`} onClick={() => onRemove(attachment.id)}>
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {open && (
        <pre className="attachment-text" role="region" aria-label={`Text of ${open.name}`}>
          {open.text}
        </pre>
      )}
    </>
  );
}
