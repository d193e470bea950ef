import { useEffect, useRef } from 'react';
import { useApp } from '../store/context';
import type { ChatEntry } from '../store/chat-slice';
import { formatSeconds } from '../format';

function StatsLine({ message }: { message: ChatEntry }) {
  const { stats } = message;
  if (!stats) return null;
  return (
    <p className="stats">
      {stats.generatedTokens} tokens · {formatSeconds(stats.ttftMs)} to first token · {stats.tokensPerSecond.toFixed(1)}{' '}
      tokens/s · prompt {stats.promptTokens} tokens
    </p>
  );
}

const STATUS_LABEL: Partial<Record<ChatEntry['status'], string>> = {
  streaming: 'Writing…',
  stopped: 'Stopped',
  error: 'Failed',
};

/** The conversation. Plain text for now; each message carries data-message-role for tests and embedding hosts. */
export function MessageList() {
  const messages = useApp((state) => state.messages);
  const end = useRef<HTMLDivElement>(null);
  const last = messages.at(-1);

  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length, last?.content]);

  if (messages.length === 0) {
    return (
      <div className="empty-chat">
        <p>Load a model, then say hello. Everything runs in this tab; nothing you type leaves your device.</p>
      </div>
    );
  }
  return (
    <div className="messages" role="log" aria-label="Conversation">
      {messages.map((message) => (
        <article
          key={message.id}
          className={`message ${message.role}`}
          data-message-role={message.role}
          aria-busy={message.status === 'streaming'}
          aria-label={message.role === 'user' ? 'You' : 'Assistant'}
        >
          <div className="content">{message.content}</div>
          {STATUS_LABEL[message.status] && <p className="message-status">{STATUS_LABEL[message.status]}</p>}
          <StatsLine message={message} />
        </article>
      ))}
      <div ref={end} />
    </div>
  );
}
