import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitBlocks, splitCodeParts } from './markdown-blocks';
import { splitReasoning } from './reasoning';
import { safeHref } from './safe-url';
import { titleFrom } from './types';

describe('splitReasoning', () => {
  it('separates <think> reasoning from the answer, also while the reasoning is still streaming', () => {
    expect(splitReasoning('<think>\nhmm\n</think>\n\nAnswer')).toEqual({ reasoning: 'hmm', answer: 'Answer', thinking: false });
    expect(splitReasoning('<think>still thinking')).toEqual({ reasoning: 'still thinking', answer: '', thinking: true });
    expect(splitReasoning('thoughts</think>Answer')).toEqual({ reasoning: 'thoughts', answer: 'Answer', thinking: false });
    expect(splitReasoning('Plain answer')).toEqual({ reasoning: null, answer: 'Plain answer', thinking: false });
  });
});

describe('splitBlocks', () => {
  it('splits at blank lines but keeps code fences and $$ math whole', () => {
    const text = 'Para one\nline two\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n$$\nx\n\ny\n$$\n\n- item';
    expect(splitBlocks(text)).toEqual(['Para one\nline two', '```js\nconst a = 1;\n\nconst b = 2;\n```', '$$\nx\n\ny\n$$', '- item']);
  });

  it('keeps an unclosed fence of a streaming reply in one block', () => {
    expect(splitBlocks('```\ncode\n\nmore')).toEqual(['```\ncode\n\nmore']);
  });

  it('ends a fence at a longer closing fence, as CommonMark does', () => {
    expect(splitBlocks('```\na\n\n````\n\nafter')).toEqual(['```\na\n\n````', 'after']);
  });
});

describe('splitCodeParts', () => {
  const lines = (count: number) => Array.from({ length: count }, (_, line) => `line ${line}`);

  it('cuts a long fenced block into parts of whole lines, without its closing fence', () => {
    expect(splitCodeParts(['~~~~ python extra', ...lines(5), '~~~~~'].join('\n'), 2)).toEqual({
      opener: '~~~~ python extra',
      fence: '~~~~',
      language: 'python',
      parts: ['line 0\nline 1', 'line 2\nline 3', 'line 4'],
    });
  });

  it('leaves short blocks, other blocks, and fences followed by text to the usual rendering', () => {
    expect(splitCodeParts(['```', ...lines(2)].join('\n'), 2)).toBeNull();
    expect(splitCodeParts(lines(9).join('\n'), 2)).toBeNull();
    expect(splitCodeParts(['    ```', ...lines(9)].join('\n'), 2)).toBeNull();
    expect(splitCodeParts(['``` a`b', ...lines(9)].join('\n'), 2)).toBeNull();
    expect(splitCodeParts(['```', ...lines(9), '```', 'text after'].join('\n'), 2)).toBeNull();
  });

  it('never changes a finished part as the block grows, and loses no line', () => {
    const block = fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '`', '~', '\n') }), { maxLength: 40 }).map((code) => `\`\`\`js\n${code.join('')}`);
    fc.assert(
      fc.property(block, fc.nat(), (text, cut) => {
        const whole = splitCodeParts(text, 3);
        const growing = splitCodeParts(text.slice(0, 7 + (cut % Math.max(1, text.length - 6))), 3);
        if (whole === null || growing === null) return;
        expect(whole.parts.slice(0, growing.parts.length - 1)).toEqual(growing.parts.slice(0, -1));
        if (!/\n\s*`{3,}\s*$/.test(text)) expect(whole.parts.join('\n')).toBe(text.split('\n').slice(1).join('\n'));
      }),
    );
  });
});

describe('safeHref', () => {
  it('allows http(s), mailto and fragments only', () => {
    expect(safeHref('https://example.org/a?b#c')).toBe('https://example.org/a?b#c');
    expect(safeHref('mailto:a@example.org')).toBe('mailto:a@example.org');
    expect(safeHref('#section')).toBe('#section');
    for (const hostile of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'relative/path', '//evil.example/x', 'blob:https://x/y', 'file:///etc/passwd']) {
      expect(safeHref(hostile), hostile).toBeNull();
    }
  });
});

describe('titleFrom', () => {
  it('takes the first line, cut at a word', () => {
    expect(titleFrom('  Hello there\nsecond line')).toBe('Hello there');
    expect(titleFrom('word '.repeat(30))).toMatch(/^(word ){10,}/);
    expect(titleFrom('word '.repeat(30)).endsWith('…')).toBe(true);
  });
});
