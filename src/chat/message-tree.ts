import type { StoredMessage } from './types';

/**
 * Pure operations on a conversation's message tree (messages by id, each pointing at its parent). The branch on screen
 * is the path from a root to the current leaf; siblings are the alternative versions an edit or a regeneration made.
 *
 * Every operation reads the tree's shape from an index (children by parent, oldest first) built once per message map
 * and kept for maps of the same shape (see keepTreeIndex), so none of them scans all messages: a streamed reply
 * changes one message's text many times a second, and a chat may hold tens of thousands of messages.
 */
export type MessageMap = Readonly<Record<string, StoredMessage>>;

/** The shape of a message tree: which messages answer which, in order of creation. */
interface TreeIndex {
  /** Ids of the children of each parent (null: the roots), oldest first. */
  readonly children: ReadonlyMap<string | null, readonly string[]>;
  /** Where each message with siblings stands among them (a message without siblings is not listed: it is first). */
  readonly position: ReadonlyMap<string, number>;
  /** The last branch asked for (the one on screen), kept so that asking again gives the same array. */
  branch?: { leafId: string | null; ids: readonly string[] };
}

const NO_IDS: readonly string[] = [];

function buildIndex(messages: MessageMap): TreeIndex {
  const children = new Map<string | null, string[]>();
  for (const id in messages) {
    const { parentId } = messages[id];
    const siblings = children.get(parentId);
    if (siblings) siblings.push(id);
    else children.set(parentId, [id]);
  }
  // Most messages are the only answer to their parent: only real choices are sorted and get a position.
  const position = new Map<string, number>();
  const byCreation = (a: string, b: string) => messages[a].createdAt - messages[b].createdAt || (a < b ? -1 : a > b ? 1 : 0);
  for (const siblings of children.values()) {
    if (siblings.length < 2) continue;
    siblings.sort(byCreation);
    siblings.forEach((id, index) => position.set(id, index));
  }
  return { children, position };
}

const indexes = new WeakMap<MessageMap, TreeIndex>();

function indexOf(messages: MessageMap): TreeIndex {
  let index = indexes.get(messages);
  if (!index) {
    index = buildIndex(messages);
    indexes.set(messages, index);
  }
  return index;
}

/**
 * Declares that `next` holds the same messages as `previous` with the same parents and creation times (only text,
 * status or stats changed), so it shares `previous`'s index instead of building its own.
 */
export function keepTreeIndex(previous: MessageMap, next: MessageMap): void {
  const index = indexes.get(previous);
  if (index) indexes.set(next, index);
}

function childIds(messages: MessageMap, parentId: string | null): readonly string[] {
  return indexOf(messages).children.get(parentId) ?? NO_IDS;
}

export function childrenOf(messages: MessageMap, parentId: string | null): StoredMessage[] {
  return childIds(messages, parentId).map((id) => messages[id]);
}

/**
 * The ids from the root to `leafId`, in order; the same array as long as the tree's shape and the leaf stay the same.
 * A dangling id gives the part of the path that exists.
 */
export function branchIds(messages: MessageMap, leafId: string | null): readonly string[] {
  const index = indexOf(messages);
  if (index.branch?.leafId !== leafId) {
    const ids: string[] = [];
    const seen = new Set<string>();
    for (let id = leafId; id !== null && !seen.has(id); ) {
      const message: StoredMessage | undefined = messages[id];
      if (!message) break;
      seen.add(id);
      ids.push(id);
      id = message.parentId;
    }
    index.branch = { leafId, ids: ids.reverse() };
  }
  return index.branch.ids;
}

/** The messages from the root to `leafId`, in order. A dangling id gives the part of the path that exists. */
export function pathTo(messages: MessageMap, leafId: string | null): StoredMessage[] {
  return branchIds(messages, leafId).map((id) => messages[id]);
}

/** The versions of a message: itself and the other children of its parent, oldest first. */
export function siblingsOf(messages: MessageMap, id: string): StoredMessage[] {
  const message = messages[id];
  return message ? childrenOf(messages, message.parentId) : [];
}

/** Where a message stands among its versions: index 0 is the oldest; a missing message is 0 of 0. */
export function versionOf(messages: MessageMap, id: string): { index: number; count: number } {
  const message = messages[id];
  if (!message) return { index: 0, count: 0 };
  const index = indexOf(messages);
  return { index: index.position.get(id) ?? 0, count: index.children.get(message.parentId)?.length ?? 0 };
}

/** The end of the newest branch below `id` (following the newest child at every step). */
export function latestLeaf(messages: MessageMap, id: string): string {
  let current = id;
  for (let children = childIds(messages, current); children.length > 0; children = childIds(messages, current)) {
    current = children[children.length - 1];
  }
  return current;
}

/** The leaf to show after moving from message `id` to its sibling `offset` places away (clamped). */
export function switchBranch(messages: MessageMap, id: string, offset: number): string | null {
  const message = messages[id];
  if (!message) return null;
  const siblings = childIds(messages, message.parentId);
  const { index } = versionOf(messages, id);
  return latestLeaf(messages, siblings[Math.max(0, Math.min(siblings.length - 1, index + offset))]);
}

/** `id` and every message below it. */
export function subtreeOf(messages: MessageMap, id: string): string[] {
  const ids: string[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (!messages[current]) continue;
    ids.push(current);
    for (const child of childIds(messages, current)) stack.push(child);
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
  const parentId = messages[id]?.parentId ?? null;
  const siblings = childIds(messages, parentId);
  const { index } = versionOf(messages, id);
  const neighbour = siblings[index + 1] ?? siblings[index - 1];
  return { messages: kept, leafId: neighbour ? latestLeaf(kept, neighbour) : parentId, removed };
}
