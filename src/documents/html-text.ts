/** Elements whose content is not text a reader sees. */
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'SVG', 'CANVAS']);
/** Elements that start a line of their own. */
const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TITLE', 'TR',
  'UL',
]);

/**
 * The text of an HTML document, one line per block. The markup is parsed as a template's content, which
 * is inert: it runs no script, loads nothing and applies no style (a DOMParser document does check its inline styles
 * against the page's Content-Security-Policy, and reports each one as a violation). Only its text goes on.
 */
export function htmlToText(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  const parts: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      parts.push((node.textContent ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = (node as Element).tagName.toUpperCase();
    if (SKIPPED.has(tag)) return;
    const block = BLOCKS.has(tag);
    if (block) parts.push('\n');
    if (tag === 'TD' || tag === 'TH') parts.push('\t');
    node.childNodes.forEach(walk);
    if (block) parts.push('\n');
  };
  template.content.childNodes.forEach(walk);
  return parts
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
