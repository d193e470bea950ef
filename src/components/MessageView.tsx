import { memo, useState } from 'react';
import { splitReasoning } from '../chat/reasoning';
import type { MessageStatus, StoredMessage } from '../chat/types';
import { formatSeconds } from '../format';
import { canContinue } from '../store/chat-slice';
import { useApp } from '../store/context';
import { CopyButton } from './CopyButton';
import { MarkdownView } from './MarkdownView';
import { MessageEditor } from './MessageEditor';

const STATUS_LABEL: Partial<Record<MessageStatus, string>> = {
  streaming: 'Writing…',
  stopped: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted: the page closed while this reply was being written.',
};

function StatsLine({ message }: { message: StoredMessage }) {
  const { stats } = message;
  if (!stats) return null;
  return (
    <p className="stats">
      {stats.generatedTokens} tokens · {formatSeconds(stats.ttftMs)} to first token · {stats.tokensPerSecond.toFixed(1)}{' '}
      tokens/s · prompt {stats.promptTokens} tokens{stats.cachedTokens > 0 ? ` (${stats.cachedTokens} reused)` : ''}
    </p>
  );
}

/** Where a message stands among its versions (the siblings an edit or a regeneration made). */
interface VersionPosition {
  index: number;
  count: number;
}

function BranchSwitcher({ message, version: { index, count } }: { message: StoredMessage; version: VersionPosition }) {
  const switchBranch = useApp((state) => state.switchBranch);
  const generating = useApp((state) => state.generating);
  if (count < 2) return null;
  return (
    <div className="branches" role="group" aria-label="Versions">
      <button type="button" aria-label="Previous version" disabled={generating || index === 0} onClick={() => switchBranch(message.id, -1)}>
        ‹
      </button>
      <span>
        {index + 1} / {count}
      </span>
      <button
        type="button"
        aria-label="Next version"
        disabled={generating || index === count - 1}
        onClick={() => switchBranch(message.id, 1)}
      >
        ›
      </button>
    </div>
  );
}

function ReplyContent({ content, streaming }: { content: string; streaming: boolean }) {
  const renderMarkdown = useApp((state) => state.renderMarkdown);
  if (!renderMarkdown) return <div className="content plain">{content}</div>;
  const { reasoning, answer, thinking } = splitReasoning(content);
  return (
    <>
      {reasoning !== null && (
        <details className="reasoning" open={streaming && thinking}>
          <summary>{thinking && streaming ? 'Reasoning…' : 'Reasoning'}</summary>
          <div className="reasoning-text">{reasoning}</div>
        </details>
      )}
      <div className="content">
        <MarkdownView text={answer} live={streaming} />
      </div>
    </>
  );
}

/** One message: its text, its status and stats, and what can be done with it. */
export const MessageView = memo(function MessageView({
  message,
  versionIndex,
  versionCount,
}: {
  message: StoredMessage;
  versionIndex: number;
  versionCount: number;
}) {
  const [editing, setEditing] = useState(false);
  const generating = useApp((state) => state.generating);
  const regenerate = useApp((state) => state.regenerate);
  const continueReply = useApp((state) => state.continueReply);
  const continuable = useApp((state) => canContinue(message, state.conversations[state.activeId].leafId));
  const deleteBranch = useApp((state) => state.deleteBranch);
  const modelReady = useApp((state) => state.model !== null && state.loadStatus !== 'loading');
  const streaming = message.status === 'streaming';
  const who = message.role === 'user' ? 'You' : 'Assistant';

  return (
    <article className={`message ${message.role}`} data-message-role={message.role} aria-busy={streaming} aria-label={who}>
      {editing ? (
        <MessageEditor message={message} onDone={() => setEditing(false)} />
      ) : message.role === 'user' ? (
        <div className="content plain">{message.content}</div>
      ) : (
        <ReplyContent content={message.content} streaming={streaming} />
      )}
      {STATUS_LABEL[message.status] && <p className="message-status">{STATUS_LABEL[message.status]}</p>}
      {message.droppedMessages !== undefined && (
        <p className="message-status">
          {message.droppedMessages} earlier {message.droppedMessages === 1 ? 'message was' : 'messages were'} left out to fit the
          model’s context.
        </p>
      )}
      {message.status === 'done' && message.stats?.stopReason === 'length' && (
        <p className="message-status">
          The reply stopped at its limit of {message.stats.generatedTokens} new tokens (Max new tokens in Settings, or the room
          left in the model’s context). Continue lets it write on.
        </p>
      )}
      <StatsLine message={message} />
      {!editing && (
        <div className="message-actions">
          <BranchSwitcher message={message} version={{ index: versionIndex, count: versionCount }} />
          <CopyButton label={`Copy ${message.role === 'user' ? 'your message' : 'reply'}`} text={() => message.content} />
          {message.role === 'user' ? (
            <button type="button" onClick={() => setEditing(true)} disabled={generating}>
              Edit
            </button>
          ) : (
            <>
              <button type="button" onClick={() => void regenerate(message.id)} disabled={generating || !modelReady}>
                Regenerate
              </button>
              {continuable && (
                <button type="button" onClick={() => void continueReply(message.id)} disabled={generating || !modelReady}>
                  Continue
                </button>
              )}
            </>
          )}
          <button
            type="button"
            aria-label={`Delete this ${message.role === 'user' ? 'message' : 'reply'} and what follows`}
            onClick={() => void deleteBranch(message.id)}
            disabled={generating}
          >
            Delete
          </button>
        </div>
      )}
    </article>
  );
});
