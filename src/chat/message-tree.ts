import type { StoredMessage } from './types';

/**
 * Pure operations on a conversation's message tree (messages by id, each pointing at its parent). The branch on screen
 * is the path from a root to the current leaf; siblings are the alternative versions an edit or a regeneration made.
 */
export type MessageMap = Readonly<Record<string, StoredMessage>>;

function byCreation(a: StoredMessage, b: StoredMessage): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function childrenOf(messages: MessageMap, parentId: string | null): StoredMessage[] {
  return Object.values(messages)
    .filter((message) => message.parentId === parentId)
    .sort(byCreation);
}

/** The messages from the root to `leafId`, in order. A dangling id gives the part of the path that exists. */
export function pathTo(messages: MessageMap, leafId: string | null): StoredMessage[] {
  const path: StoredMessage[] = [];
  const seen = new Set<string>();
  for (let id = leafId; id !== null && !seen.has(id); ) {
    const message: StoredMessage | undefined = messages[id];
    if (!message) break;
    seen.add(id);
    path.push(message);
    id = message.parentId;
  }
  return path.reverse();
}

/** The versions of a message: itself and the other children of its parent, oldest first. */
export function siblingsOf(messages: MessageMap, id: string): StoredMessage[] {
  const message = messages[id];
  return message ? childrenOf(messages, message.parentId) : [];
}

/** The end of the newest branch below `id` (following the newest child at every step). */
export function latestLeaf(messages: MessageMap, id: string): string {
  let current = id;
  for (let children = childrenOf(messages, current); children.length > 0; children = childrenOf(messages, current)) {
    current = children[children.length - 1].id;
  }
  return current;
}

/** The leaf to show after moving from message `id` to its sibling `offset` places away (clamped). */
export function switchBranch(messages: MessageMap, id: string, offset: number): string | null {
  const siblings = siblingsOf(messages, id);
  const index = siblings.findIndex((message) => message.id === id);
  if (index === -1) return null;
  const target = siblings[Math.max(0, Math.min(siblings.length - 1, index + offset))];
  return latestLeaf(messages, target.id);
}

/** `id` and every message below it. */
export function subtreeOf(messages: MessageMap, id: string): string[] {
  const ids: string[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (!messages[current]) continue;
    ids.push(current);
    for (const child of childrenOf(messages, current)) stack.push(child.id);
  }
  return ids;
}

/**
 * Removes the branch starting at `id`. If the leaf on screen was in it, the view moves to the nearest sibling's newest
 * branch, or to the parent when there is no sibling left.
 */
export function removeBranch(
  messages: MessageMap,
  leafId: string | null,
  id: string,
): { messages: Record<string, StoredMessage>; leafId: string | null; removed: string[] } {
  const removed = subtreeOf(messages, id);
  const gone = new Set(removed);
  const kept = Object.fromEntries(Object.entries(messages).filter(([key]) => !gone.has(key)));
  if (leafId === null || !gone.has(leafId)) return { messages: kept, leafId, removed };
  const siblings = siblingsOf(messages, id);
  const index = siblings.findIndex((message) => message.id === id);
  const neighbour = siblings[index + 1] ?? siblings[index - 1];
  const parentId = messages[id]?.parentId ?? null;
  return { messages: kept, leafId: neighbour ? latestLeaf(kept, neighbour.id) : parentId, removed };
}
