import type { Element, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { renderMath } from './katex-math';
import { rehypeMath } from './rehype-math';

/** What remark-math leaves for `$x^2$`, in a paragraph. */
function inlineMath(): Root {
  const math: Element = { type: 'element', tagName: 'code', properties: { className: ['language-math', 'math-inline'] }, children: [{ type: 'text', value: 'x^2' }] };
  return { type: 'root', children: [{ type: 'element', tagName: 'p', properties: {}, children: [math] }] };
}

describe('rehypeMath', () => {
  it('shows the TeX source and asks for KaTeX while KaTeX has not arrived', () => {
    let asked = 0;
    const tree = inlineMath();
    rehypeMath({ render: null, onMathWithoutRenderer: () => asked++ })(tree);
    const paragraph = tree.children[0] as Element;
    expect(paragraph.children[0]).toEqual({
      type: 'element',
      tagName: 'span',
      properties: { className: ['math'] },
      children: [{ type: 'element', tagName: 'code', properties: { className: ['math-source'] }, children: [{ type: 'text', value: 'x^2' }] }],
    });
    expect(asked).toBe(1);
  });

  it('renders with KaTeX once it is there, and asks for nothing', () => {
    const tree = inlineMath();
    rehypeMath({ render: renderMath, onMathWithoutRenderer: () => expect.unreachable() })(tree);
    const math = (tree.children[0] as Element).children[0] as Element;
    expect((math.children[0] as Element).properties.className).toEqual(['katex']);
  });
});

describe('renderMath', () => {
  it('renders a formula once: a streamed paragraph rendered again gets the same elements back', () => {
    const first = renderMath('\\sum_{i=1}^{n} i^2', false);
    expect(renderMath('\\sum_{i=1}^{n} i^2', false)).toBe(first);
    // The same source as a display block is another rendering.
    const display = renderMath('\\sum_{i=1}^{n} i^2', true);
    expect(display).not.toBe(first);
    expect(JSON.stringify(display)).toContain('katex-display');
  });
});
