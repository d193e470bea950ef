import { useEffect, useMemo, useRef } from 'react';
import { pathTo, siblingsOf } from '../chat/message-tree';
import { useApp } from '../store/context';
import { MessageView } from './MessageView';

/** The branch of the active conversation that is on screen; each message carries data-message-role. */
export function MessageList() {
  const conversation = useApp((state) => state.conversations[state.activeId]);
  const messages = useMemo(() => pathTo(conversation.messages, conversation.leafId), [conversation.messages, conversation.leafId]);
  const versions = useMemo(
    () =>
      messages.map((message) => {
        const siblings = siblingsOf(conversation.messages, message.id);
        return { index: siblings.indexOf(message), count: siblings.length };
      }),
    [messages, conversation.messages],
  );
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
      {messages.map((message, index) => (
        <MessageView
          key={message.id}
          message={message}
          versionIndex={versions[index].index}
          versionCount={versions[index].count}
        />
      ))}
      <div ref={end} />
    </div>
  );
}
