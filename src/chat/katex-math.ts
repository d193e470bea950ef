import type { ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import katex, { type KatexOptions } from 'katex';
import 'katex/dist/katex.min.css';

/**
 * KaTeX and its stylesheet, loaded only once a reply contains math (see rehype-math.ts).
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

/** TeX source as KaTeX's elements, inline or as a display block. */
export function renderMath(source: string, displayMode: boolean): ElementContent[] {
  try {
    return fromHtml(katex.renderToString(source, { ...OPTIONS, displayMode }), { fragment: true }).children as ElementContent[];
  } catch {
    // KaTeX reports most errors in its output; anything else shows the source as it was written.
    return [{ type: 'element', tagName: 'code', properties: { className: ['math-error'] }, children: [{ type: 'text', value: source }] }];
  }
}
