import { useState } from 'react';
import type { Passage } from '../../shared/protocol';
import type { StoredMessage } from '../chat/types';
import { useGetState } from '../store/context';
import { selectMessage } from '../store/selectors';

/** Where a passage is: "report.pdf, page 23", "notes.md, Results", or the file's name. */
export function placeOf(passage: Pick<Passage, 'name' | 'page' | 'section'>): string {
  if (passage.page !== undefined) return `${passage.name}, page ${passage.page}`;
  return passage.section ? `${passage.name}, ${passage.section}` : passage.name;
}

/** "Used 4 passages from report.pdf and notes.md", for a message whose files were too long to send whole. */
export function passagesSummary(passages: readonly Passage[]): string {
  const names = [...new Set(passages.map((passage) => passage.name))];
  const files = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `Used ${passages.length} ${passages.length === 1 ? 'passage' : 'passages'} from ${files}`;
}

/** The sources a reply was given: the passages chosen for its question, or its question's files whole. */
function sourcesOf(question: StoredMessage | undefined): Passage[] {
  if (!question?.attachments?.length) return [];
  return question.passages ?? question.attachments.map(({ name, text }) => ({ name, text }));
}

/**
 * Under a reply whose question had files: each source with the number the prompt gave it (the model is asked to cite
 * by it), marked when the reply cites it; selecting one shows its text.
 */
export function Sources({ reply }: { reply: StoredMessage }) {
  // Read, not watched: a reply is written after its question's passages are chosen, and a message on screen keeps
  // to one store subscription (a chat may show a thousand).
  const question = selectMessage(reply.parentId ?? '')(useGetState()());
  const [open, setOpen] = useState<number | null>(null);
  const sources = sourcesOf(question);
  if (sources.length === 0) return null;
  return (
    <nav className="sources" aria-label="Sources">
      {question?.passages && <p className="muted">{passagesSummary(question.passages)}</p>}
      <ol>
        {sources.map((source, index) => {
          const label = `[${index + 1}] ${placeOf(source)}${reply.content.includes(`[${index + 1}]`) ? ' (cited)' : ''}`;
          return (
            <li key={index}>
              <button type="button" aria-expanded={open === index} onClick={() => setOpen(open === index ? null : index)}>
                {label}
              </button>
              {open === index && (
                <pre className="attachment-text" role="region" aria-label={`Text of source ${index + 1}`}>
                  {source.text}
                </pre>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
