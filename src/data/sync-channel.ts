/** What one tab tells the others after it wrote to the conversation store. */
export interface ConversationChange {
  kind: 'saved' | 'deleted';
  id: string;
  /** When set, only these messages (written or removed) and the conversation's fields changed. */
  messageIds?: string[];
}

const CHANNEL_NAME = 'airgap-chat-conversations';

/**
 * Tells other tabs of this origin which conversation changed, so they re-read it instead of keeping a stale copy they
 * might later show or extend. Where BroadcastChannel is missing, tabs simply do not hear each other.
 */
export class SyncChannel {
  private readonly channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;

  announce(change: ConversationChange): void {
    this.channel?.postMessage(change);
  }

  subscribe(listener: (change: ConversationChange) => void): () => void {
    const channel = this.channel;
    if (!channel) return () => {};
    const onMessage = (event: MessageEvent<unknown>) => {
      if (isChange(event.data)) listener(event.data);
    };
    channel.addEventListener('message', onMessage);
    return () => channel.removeEventListener('message', onMessage);
  }

  close(): void {
    this.channel?.close();
  }
}

function isChange(data: unknown): data is ConversationChange {
  const change = data as Partial<ConversationChange> | null;
  const messageIds = change?.messageIds;
  return (
    typeof change?.id === 'string' &&
    (change.kind === 'saved' || change.kind === 'deleted') &&
    (messageIds === undefined || (Array.isArray(messageIds) && messageIds.every((id) => typeof id === 'string')))
  );
}
