import type { Element, ElementContent, Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toText } from 'hast-util-to-text';
import katex, { type KatexOptions } from 'katex';

/**
 * Renders the math nodes remark-math leaves (`math-inline`, `math-display`, and ```math fences) with KaTeX.
 *
 * Why not rehype-katex: in the browser it parses KaTeX's HTML through a <template>'s innerHTML, and the `style`
 * attributes in that markup break our CSP (style-src 'self' blocks inline style attributes). Here KaTeX's markup is
 * parsed by parse5 into a plain tree; React then sets each style through the CSSOM, which the CSP allows, and no HTML
 * string ever reaches the DOM.
 */
const OPTIONS: KatexOptions = {
  // No \href, \url, \includegraphics, \htmlData or \htmlStyle: model output must not carry links, requests or markup.
  trust: false,
  strict: 'ignore',
  throwOnError: false,
  // Bounds for hostile input: no giant boxes, no macro expansion bombs.
  maxSize: 20,
  maxExpand: 200,
  output: 'htmlAndMathml',
};

function classesOf(element: Element): string[] {
  const value = element.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
}

function render(source: string, displayMode: boolean): ElementContent[] {
  try {
    return fromHtml(katex.renderToString(source, { ...OPTIONS, displayMode }), { fragment: true }).children as ElementContent[];
  } catch {
    // KaTeX reports most errors in its output; anything else shows the source as it was written.
    return [{ type: 'element', tagName: 'code', properties: { className: ['math-error'] }, children: [{ type: 'text', value: source }] }];
  }
}

function transform(node: Root | Element): void {
  node.children.forEach((child: RootContent, index) => {
    if (child.type !== 'element') return;
    const classes = classesOf(child);
    const fencedMath = child.tagName === 'pre' && child.children.some((c) => c.type === 'element' && classesOf(c).includes('language-math'));
    if (fencedMath || classes.includes('math-display') || classes.includes('math-inline')) {
      const display = fencedMath || classes.includes('math-display');
      const rendered = render(toText(child, { whitespace: 'pre' }), display);
      node.children[index] = { type: 'element', tagName: display ? 'div' : 'span', properties: { className: ['math'] }, children: rendered };
      return;
    }
    transform(child);
  });
}

export function rehypeMath() {
  return (tree: Root) => transform(tree);
}
