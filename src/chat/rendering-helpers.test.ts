import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitBlocks, splitCodeParts, splitLiveParts, type LivePart } from './markdown-blocks';
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

describe('splitLiveParts', () => {
  const markdownOf = (parts: LivePart[]) => parts.map((part) => part.markdown);
  /** The block again from its parts: a table's repeated header rows dropped, a line cut at a space joined by one. */
  const joined = (parts: LivePart[]) =>
    parts
      .map((part, index) => {
        const text = part.continuesTable ? part.markdown.split('\n').slice(2).join('\n') : part.markdown;
        return index === 0 ? text : `${part.continuesLine ? ' ' : '\n'}${text}`;
      })
      .join('');

  it('leaves a short block, and one with nowhere to cut (a code block, a formula), to the usual rendering', () => {
    expect(splitLiveParts('A short paragraph.', 40)).toBeNull();
    expect(splitLiveParts(`\`\`\`\n${'code line\n'.repeat(20)}`, 40)).toBeNull();
    expect(splitLiveParts(`$$\n${'x + y\n'.repeat(20)}`, 40)).toBeNull();
  });

  it('cuts a long line at a space before a letter, to be shown on the same line', () => {
    const text = 'Sorry, I cannot. '.repeat(10);
    const parts = splitLiveParts(text, 40)!;
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.slice(1).every((part) => part.continuesLine && /^\p{L}/u.test(part.markdown))).toBe(true);
    expect(parts.slice(0, -1).every((part) => part.markdown.length >= 40 && part.markdown.length < 60)).toBe(true);
    expect(joined(parts)).toBe(text);
    // Never before a digit, a dash or a quote mark, which would start a list, a quote or a heading.
    expect(splitLiveParts(`${'word '.repeat(10)}- 1. > # end`, 20)!.map((part) => part.markdown.at(0))).not.toContain('-');
  });

  it('cuts a list before its items, never inside an item or before the line still being written', () => {
    const item = (n: number) => `${n}. item ${n}\n   more about ${n}\n   - a sub-item`;
    const text = `${[1, 2, 3, 4, 5, 6].map(item).join('\n')}\n7. item`;
    const parts = splitLiveParts(text, 60)!;
    expect(markdownOf(parts).map((part) => part.split('\n')[0])).toEqual(['1. item 1', '3. item 3', '5. item 5']);
    expect(parts.at(-1)!.markdown.endsWith('7. item')).toBe(true);
    expect(joined(parts)).toBe(text);
  });

  it('gives a table\'s later parts its header rows, and never cuts between a header and its delimiter row', () => {
    const rows = Array.from({ length: 12 }, (_, row) => `| ${row} | value ${row} |`);
    const text = ['| n | value |', '|---|---|', ...rows].join('\n');
    const parts = splitLiveParts(text, 80)!;
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0].continuesTable).toBe(false);
    for (const part of parts.slice(1)) expect(part.markdown.startsWith('| n | value |\n|---|---|\n| ')).toBe(true);
    expect(parts.slice(1).every((part) => part.continuesTable)).toBe(true);
    expect(joined(parts)).toBe(text);
    const underlined = splitLiveParts(`${'A heading that is long\n'.repeat(4)}---\nafter`, 40)!;
    expect(markdownOf(underlined).some((part) => part.startsWith('---'))).toBe(false);
  });

  it('does not cut inside a code fence or formula that the block holds', () => {
    const text = `Intro line that is long enough\n\`\`\`\n${'code\n'.repeat(20)}\`\`\`\nOutro line that is long`;
    const parts = splitLiveParts(text, 20)!;
    expect(parts.some((part) => part.markdown.startsWith('code'))).toBe(false);
    expect(joined(parts)).toBe(text);
  });

  it('never changes a part once another follows it, as the block grows, and loses nothing', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\n', '- ', '1. ', '| x |', '|---|', '```', '$$', '  ', '#', '*', '=');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 200 }), fc.nat(), (units, cut) => {
        const text = units.join('');
        const whole = splitLiveParts(text, 12);
        const growing = splitLiveParts(text.slice(0, cut % (text.length + 1)), 12);
        if (growing) expect(whole).not.toBeNull();
        if (whole) expect(joined(whole)).toBe(text);
        if (whole && growing) expect(whole.slice(0, growing.length - 1)).toEqual(growing.slice(0, -1));
      }),
      { numRuns: 500 },
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
