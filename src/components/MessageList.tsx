import { useDeferredValue, useEffect, useMemo, useRef } from 'react';
import { useApp } from '../store/context';
import { selectLastShown, selectShownIds, selectShownVersions } from '../store/selectors';
import { MessageActionsStateContext } from './message-actions-state';
import { MessageView } from './MessageView';

/** Keeps the end of the conversation in view as messages arrive and the last one grows. */
function ScrollToEnd({ count }: { count: number }) {
  const end = useRef<HTMLDivElement>(null);
  const lastContent = useApp((state) => selectLastShown(state)?.content);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count, lastContent]);
  return <div ref={end} />;
}

/**
 * The branch of the active conversation that is on screen; each message carries data-message-role. It re-renders only
 * when the branch changes: each message follows its own record (see MessageView).
 */
export function MessageList() {
  const ids = useApp(selectShownIds);
  const versions = useApp(selectShownVersions);
  const renderMarkdown = useApp((state) => state.renderMarkdown);
  const generating = useDeferredValue(useApp((state) => state.generating));
  const modelReady = useDeferredValue(useApp((state) => state.model !== null));
  const actionsState = useMemo(() => ({ generating, modelReady }), [generating, modelReady]);
  if (ids.length === 0) {
    return (
      <div className="empty-chat">
        <p>Load a model, then say hello. Everything runs in this tab; nothing you type leaves your device.</p>
      </div>
    );
  }
  return (
    <div className="messages" role="log" aria-label="Conversation">
      <MessageActionsStateContext value={actionsState}>
        {ids.map((id, index) => (
          <MessageView
            key={id}
            id={id}
            isLeaf={index === ids.length - 1}
            versionIndex={versions[index].index}
            versionCount={versions[index].count}
            renderMarkdown={renderMarkdown}
          />
        ))}
      </MessageActionsStateContext>
      <ScrollToEnd count={ids.length} />
    </div>
  );
}
