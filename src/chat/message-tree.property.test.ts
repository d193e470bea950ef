import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childrenOf, pathTo, removeBranch, switchBranch, type MessageMap } from './message-tree';
import type { StoredMessage } from './types';

/** What a person can do to a chat, each aimed at a message of the branch on screen by its place in it. */
type Step =
  | { kind: 'send' }
  | { kind: 'edit'; at: number }
  | { kind: 'regenerate'; at: number }
  | { kind: 'delete'; at: number }
  | { kind: 'switch'; at: number; offset: number };

const steps = fc.array(
  fc.oneof(
    fc.constant<Step>({ kind: 'send' }),
    fc.nat().map<Step>((at) => ({ kind: 'edit', at })),
    fc.nat().map<Step>((at) => ({ kind: 'regenerate', at })),
    fc.nat().map<Step>((at) => ({ kind: 'delete', at })),
    fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 })).map<Step>(([at, offset]) => ({ kind: 'switch', at, offset })),
  ),
  { maxLength: 60 },
);

/** A chat as the store keeps it: messages by id, and the leaf of the branch on screen. */
class Chat {
  messages: MessageMap = {};
  leafId: string | null = null;
  private clock = 0;

  private add(parentId: string | null, role: StoredMessage['role']): string {
    const id = `m${++this.clock}`;
    // Equal times happen (two messages in one millisecond): ids break the tie.
    const message: StoredMessage = { id, parentId, role, content: id, status: 'done', createdAt: Math.floor(this.clock / 2) };
    this.messages = { ...this.messages, [id]: message };
    return id;
  }

  apply(step: Step): void {
    const branch = pathTo(this.messages, this.leafId);
    const pick = (role?: StoredMessage['role']) => {
      const candidates = role ? branch.filter((message) => message.role === role) : branch;
      return candidates.length > 0 && 'at' in step ? candidates[step.at % candidates.length] : undefined;
    };
    switch (step.kind) {
      case 'send': {
        // A message answers the end of the branch on screen, and the reply answers it.
        this.leafId = this.add(this.add(this.leafId, 'user'), 'assistant');
        return;
      }
      case 'edit': {
        const message = pick('user');
        if (message) this.leafId = this.add(this.add(message.parentId, 'user'), 'assistant');
        return;
      }
      case 'regenerate': {
        const message = pick('assistant');
        if (message) this.leafId = this.add(message.parentId, 'assistant');
        return;
      }
      case 'delete': {
        const message = pick();
        if (!message) return;
        const next = removeBranch(this.messages, this.leafId, message.id);
        this.messages = next.messages;
        this.leafId = next.leafId;
        return;
      }
      case 'switch': {
        const message = pick();
        if (message) this.leafId = switchBranch(this.messages, message.id, step.offset) ?? this.leafId;
        return;
      }
    }
  }
}

/** Every message hangs from a root through messages that exist, and the branch on screen runs from a root to a leaf. */
function expectOneTreeWithOneBranch({ messages, leafId }: Chat): void {
  const ids = Object.keys(messages);
  for (const id of ids) {
    let current: StoredMessage | undefined = messages[id];
    for (let hops = 0; current.parentId !== null; hops++) {
      expect(hops, `${id} reaches a root`).toBeLessThan(ids.length);
      current = messages[current.parentId];
      expect(current, `every parent of ${id} exists`).toBeDefined();
    }
  }
  if (ids.length === 0) return expect(leafId).toBeNull();
  expect(leafId, 'a chat with messages shows a branch').not.toBeNull();
  const branch = pathTo(messages, leafId);
  expect(branch[0].parentId).toBeNull();
  branch.forEach((message, i) => i > 0 && expect(message.parentId).toBe(branch[i - 1].id));
  expect(branch.at(-1)?.id).toBe(leafId);
  expect(childrenOf(messages, leafId), 'the branch on screen ends at a leaf').toEqual([]);
}

describe('the message tree', () => {
  it('stays one tree with one branch on screen, whatever is sent, edited, regenerated, deleted or switched', () => {
    fc.assert(
      fc.property(steps, (script) => {
        const chat = new Chat();
        for (const step of script) {
          chat.apply(step);
          expectOneTreeWithOneBranch(chat);
        }
      }),
      { numRuns: 300 },
    );
  });
});
