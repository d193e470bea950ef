import { sharedLocks } from '../../shared/shared-locks';

/**
 * Which replies some tab is writing right now. A tab holds a Web Lock named after the reply while it streams it; the
 * browser releases the lock when the tab closes or crashes, so a reply stored as `streaming` without its lock was
 * interrupted. Without the Web Locks API every stored `streaming` reply counts as interrupted (with storage in memory,
 * see shared-locks.ts, no other tab can have written the replies this tab reads, so none is being written).
 */
const PREFIX = 'airgap-chat-reply:';

export function holdWhileWriting(replyId: string, writing: Promise<unknown>): void {
  void sharedLocks().then((locks) => locks?.request(PREFIX + replyId, () => writing.catch(() => undefined)));
}

export async function repliesBeingWritten(): Promise<Set<string>> {
  const state = await (await sharedLocks())?.query();
  const held = state?.held ?? [];
  return new Set(held.flatMap((lock) => (lock.name?.startsWith(PREFIX) ? [lock.name.slice(PREFIX.length)] : [])));
}
