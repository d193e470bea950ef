import { branchIds, versionOf } from '../chat/message-tree';
import type { Conversation, StoredMessage } from '../chat/types';
import { matchesSearch, newestFirst, normalizedQuery } from './conversations-slice';
import type { AppState } from './types';

/**
 * Selectors that give the same value (the same array, the same object) as long as what they read has not changed, so a
 * streamed piece of a reply re-renders the message being written and nothing else: not the list of messages, not the
 * other messages, not the list of chats.
 */

function activeConversation(state: AppState): Conversation {
  return state.conversations[state.activeId];
}

/** The ids of the branch on screen, root first. */
export function selectShownIds(state: AppState): readonly string[] {
  const conversation = activeConversation(state);
  return branchIds(conversation.messages, conversation.leafId);
}

/** One message of the conversation on screen (undefined for a moment while a chat closes or a branch is deleted). */
export function selectMessage(id: string): (state: AppState) => StoredMessage | undefined {
  return (state) => activeConversation(state).messages[id];
}

/** The message at the end of the branch on screen. */
export function selectLastShown(state: AppState): StoredMessage | undefined {
  const conversation = activeConversation(state);
  return conversation.leafId === null ? undefined : conversation.messages[conversation.leafId];
}

export interface Version {
  index: number;
  count: number;
}

const versionsOfBranch = new WeakMap<readonly string[], readonly Version[]>();

/**
 * Where each message of the branch on screen stands among its versions, in branch order; the same array as long as
 * the branch is (see branchIds), since only a change of the tree's shape moves a version.
 */
export function selectShownVersions(state: AppState): readonly Version[] {
  const { messages, leafId } = activeConversation(state);
  const ids = branchIds(messages, leafId);
  let versions = versionsOfBranch.get(ids);
  if (!versions) {
    versions = ids.map((id) => versionOf(messages, id));
    versionsOfBranch.set(ids, versions);
  }
  return versions;
}

/** The same updatedAt for the same set of ids: the order of the list cannot have changed. */
function sameOrder(before: Record<string, Conversation>, after: Record<string, Conversation>): boolean {
  let count = 0;
  for (const id in after) {
    if (before[id]?.updatedAt !== after[id].updatedAt) return false;
    count++;
  }
  return count === Object.keys(before).length;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/**
 * A selector of the ids of the chats in the side panel, newest first, narrowed by the search box, without the unsaved
 * new chat unless it is the one on screen. It sorts only when a chat's updatedAt or the set of chats changed, tests a
 * chat against the search only when that chat changed, and gives the same array while the list stays the same.
 */
export function createListedIdsSelector(): (state: AppState) => readonly string[] {
  let sorted: { conversations: Record<string, Conversation>; ids: readonly string[] } | null = null;
  let search = { query: '', matches: new WeakMap<Conversation, boolean>() };
  let listed: readonly string[] = [];
  const matches = (conversation: Conversation) => {
    let match = search.matches.get(conversation);
    if (match === undefined) {
      match = matchesSearch(conversation, search.query);
      search.matches.set(conversation, match);
    }
    return match;
  };
  return (state) => {
    const { conversations, unsavedId, activeId } = state;
    if (!sorted || !sameOrder(sorted.conversations, conversations)) {
      sorted = { conversations, ids: newestFirst(Object.values(conversations)).map((conversation) => conversation.id) };
    }
    sorted.conversations = conversations;
    const query = normalizedQuery(state.searchQuery);
    if (query !== search.query) search = { query, matches: new WeakMap() };
    const ids = sorted.ids.filter((id) => (id !== unsavedId || id === activeId) && (!query || matches(conversations[id])));
    if (!sameIds(ids, listed)) listed = ids;
    return listed;
  };
}
