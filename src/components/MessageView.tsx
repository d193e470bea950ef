import { memo, useContext, useState } from 'react';
import { splitReasoning } from '../chat/reasoning';
import type { PromptRead } from '../../shared/protocol';
import type { MessageStatus, StoredMessage } from '../chat/types';
import { formatSeconds } from '../format';
import { canContinue } from '../store/chat-slice';
import { useApp, useGetState } from '../store/context';
import { selectMessage } from '../store/selectors';
import { AttachmentChips } from './AttachmentChips';
import { CopyButton } from './CopyButton';
import { Sources } from './DocumentSources';
import { MarkdownView } from './MarkdownView';
import { MessageEditor } from './MessageEditor';
import { MessageActionsStateContext } from './message-actions-state';
import { RenderGuard } from './RenderGuard';

const STATUS_LABEL: Partial<Record<MessageStatus, string>> = {
  streaming: 'Writing…',
  stopped: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted: the page or the engine stopped while this reply was being written. What had arrived is kept.',
};

/** While the model reads a long conversation before writing: how far it has got. */
function ReadingPrompt({ read, total }: PromptRead) {
  return (
    <p className="message-status">
      <label>
        Reading the conversation: {read.toLocaleString('en')} of {total.toLocaleString('en')} tokens{' '}
        <progress value={read} max={total} />
      </label>
    </p>
  );
}

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
function BranchSwitcher({ id, index, count, generating }: { id: string; index: number; count: number; generating: boolean }) {
  const getState = useGetState();
  if (count < 2) return null;
  return (
    <div className="branches" role="group" aria-label="Versions">
      <button type="button" aria-label="Previous version" disabled={generating || index === 0} onClick={() => getState().switchBranch(id, -1)}>
        ‹
      </button>
      <span>
        {index + 1} / {count}
      </span>
      <button
        type="button"
        aria-label="Next version"
        disabled={generating || index === count - 1}
        onClick={() => getState().switchBranch(id, 1)}
      >
        ›
      </button>
    </div>
  );
}

/** Memoized: the buttons of every message change when a reply starts or ends, their text does not. */
const ReplyContent = memo(function ReplyContent({
  content,
  streaming,
  renderMarkdown,
}: {
  content: string;
  streaming: boolean;
  renderMarkdown: boolean;
}) {
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
});

/** A reply whose formatting failed to draw: its text as it is, so nothing of it is hidden. */
function UnformattedReply({ content }: { content: string }) {
  return (
    <>
      <div className="content plain">{content}</div>
      <p className="message-status">This reply could not be shown formatted, so it is shown as plain text.</p>
    </>
  );
}

/**
 * What can be done with a message. Only these buttons follow whether a reply is being written and whether a model is
 * loaded (see MessageActionsStateContext): when that changes, the action bars render again, not the messages.
 */
function MessageActions({
  message,
  isLeaf,
  versionIndex,
  versionCount,
  onEdit,
}: {
  message: StoredMessage;
  isLeaf: boolean;
  versionIndex: number;
  versionCount: number;
  onEdit: () => void;
}) {
  const { generating, modelReady } = useContext(MessageActionsStateContext);
  const getState = useGetState();
  const continuable = canContinue(message, isLeaf ? message.id : null);
  return (
    <div className="message-actions">
      <BranchSwitcher id={message.id} index={versionIndex} count={versionCount} generating={generating} />
      <CopyButton label={`Copy ${message.role === 'user' ? 'your message' : 'reply'}`} text={() => message.content} />
      {message.role === 'user' ? (
        <button type="button" onClick={onEdit} disabled={generating}>
          Edit
        </button>
      ) : (
        <>
          <button type="button" onClick={() => void getState().regenerate(message.id)} disabled={generating || !modelReady}>
            {message.status === 'interrupted' || message.status === 'error' ? 'Retry' : 'Regenerate'}
          </button>
          {continuable && (
            <button type="button" onClick={() => void getState().continueReply(message.id)} disabled={generating || !modelReady}>
              Continue
            </button>
          )}
        </>
      )}
      <button
        type="button"
        aria-label={`Delete this ${message.role === 'user' ? 'message' : 'reply'} and what follows`}
        onClick={() => void getState().deleteBranch(message.id)}
        disabled={generating}
      >
        Delete
      </button>
    </div>
  );
}

interface MessageViewProps {
  id: string;
  /** The last message of the branch on screen. */
  isLeaf: boolean;
  versionIndex: number;
  versionCount: number;
  // Read once by the list rather than watched by each of a thousand messages.
  renderMarkdown: boolean;
}

/**
 * One message of the conversation on screen, by id: it follows its own record in the store, so
 * a streamed piece of a reply re-renders that reply alone.
 */
export const MessageView = memo(function MessageView(props: MessageViewProps) {
  const message = useApp(selectMessage(props.id));
  if (!message) return null;
  return <MessageBody message={message} {...props} />;
});

/** A message: its text, its status and stats, and what can be done with it. */
function MessageBody({
  message,
  isLeaf,
  versionIndex,
  versionCount,
  renderMarkdown,
}: MessageViewProps & { message: StoredMessage }) {
  const [editing, setEditing] = useState(false);
  const streaming = message.status === 'streaming';
  const readingPrompt = useApp((state) => (state.writingReplyId === message.id ? state.readingPrompt : null));
  const who = message.role === 'user' ? 'You' : 'Assistant';

  return (
    <article className={`message ${message.role}`} data-message-role={message.role} aria-busy={streaming} aria-label={who}>
      {editing ? (
        <MessageEditor message={message} onDone={() => setEditing(false)} />
      ) : message.role === 'user' ? (
        <>
          <AttachmentChips attachments={message.attachments ?? []} />
          <div className="content plain">{message.content}</div>
        </>
      ) : (
        <RenderGuard retryKey={message.content} fallback={() => <UnformattedReply content={message.content} />}>
          <ReplyContent content={message.content} streaming={streaming} renderMarkdown={renderMarkdown} />
          <Sources reply={message} />
        </RenderGuard>
      )}
      {readingPrompt ? (
        <ReadingPrompt {...readingPrompt} />
      ) : (
        STATUS_LABEL[message.status] && <p className="message-status">{STATUS_LABEL[message.status]}</p>
      )}
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
        <MessageActions message={message} isLeaf={isLeaf} versionIndex={versionIndex} versionCount={versionCount} onEdit={() => setEditing(true)} />
      )}
    </article>
  );
}
