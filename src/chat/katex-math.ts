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

/**
 * Formulas already rendered, newest last. A streamed reply is rendered again as it grows, and every formula of the
 * paragraph being written went through KaTeX and parse5 again at each render. The elements are only read after this
 * (rehype-highlight touches only code with a language), so one rendering can serve every render.
 */
const rendered = new Map<string, ElementContent[]>();
const RENDERED_KEPT = 500;

/** TeX source as KaTeX's elements, inline or as a display block. */
export function renderMath(source: string, displayMode: boolean): ElementContent[] {
  const key = `${displayMode ? 'display' : 'inline'} ${source}`;
  const known = rendered.get(key);
  if (known) return known;
  const elements = renderAnew(source, displayMode);
  if (rendered.size >= RENDERED_KEPT) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, elements);
  return elements;
}

function renderAnew(source: string, displayMode: boolean): ElementContent[] {
  try {
    return fromHtml(katex.renderToString(source, { ...OPTIONS, displayMode }), { fragment: true }).children as ElementContent[];
  } catch {
    // KaTeX reports most errors in its output; anything else shows the source as it was written.
    return [{ type: 'element', tagName: 'code', properties: { className: ['math-error'] }, children: [{ type: 'text', value: source }] }];
  }
}
