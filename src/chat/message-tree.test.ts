import { describe, expect, it } from 'vitest';
import { childrenOf, latestLeaf, pathTo, removeBranch, siblingsOf, subtreeOf, switchBranch } from './message-tree';
import type { StoredMessage } from './types';

let clock = 0;
function message(id: string, parentId: string | null, role: StoredMessage['role'] = 'user'): StoredMessage {
  return { id, parentId, role, content: id, status: 'done', createdAt: ++clock };
}

/**
 *   q1 ─ a1 ─ q2 ─ a2
 *      └ a1b          (a regenerated answer)
 *   q1e ─ a3          (an edited first question)
 */
function tree(): Record<string, StoredMessage> {
  const list = [
    message('q1', null),
    message('a1', 'q1', 'assistant'),
    message('q2', 'a1'),
    message('a2', 'q2', 'assistant'),
    message('a1b', 'q1', 'assistant'),
    message('q1e', null),
    message('a3', 'q1e', 'assistant'),
  ];
  return Object.fromEntries(list.map((m) => [m.id, m]));
}

const ids = (messages: StoredMessage[]) => messages.map((m) => m.id);

describe('message tree', () => {
  it('walks the branch from the root to a leaf', () => {
    expect(ids(pathTo(tree(), 'a2'))).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(pathTo(tree(), null)).toEqual([]);
    expect(ids(pathTo(tree(), 'missing'))).toEqual([]);
  });

  it('survives a parent loop in damaged data', () => {
    const looped = { x: message('x', 'y'), y: message('y', 'x') };
    expect(ids(pathTo(looped, 'x'))).toEqual(['y', 'x']);
  });

  it('lists versions oldest first', () => {
    expect(ids(childrenOf(tree(), null))).toEqual(['q1', 'q1e']);
    expect(ids(siblingsOf(tree(), 'a1b'))).toEqual(['a1', 'a1b']);
  });

  it('switches to a sibling and shows its newest branch', () => {
    expect(latestLeaf(tree(), 'q1')).toBe('a1b');
    expect(switchBranch(tree(), 'a1b', -1)).toBe('a2');
    expect(switchBranch(tree(), 'q1', 1)).toBe('a3');
    expect(switchBranch(tree(), 'q1', -5), 'clamped to the first version').toBe('a1b');
    expect(switchBranch(tree(), 'nope', 1)).toBeNull();
  });

  it('deletes a branch and moves the view to the nearest version, or to the parent', () => {
    expect(subtreeOf(tree(), 'a1').sort()).toEqual(['a1', 'a2', 'q2']);
    const removed = removeBranch(tree(), 'a2', 'a1');
    expect(Object.keys(removed.messages).sort()).toEqual(['a1b', 'a3', 'q1', 'q1e']);
    expect(removed.leafId).toBe('a1b');
    expect(removeBranch(tree(), 'a3', 'a3').leafId).toBe('q1e');
    expect(removeBranch(tree(), 'a3', 'a1').leafId, 'a leaf elsewhere stays').toBe('a3');
  });
});
