import fc from 'fast-check';
import { renderToString } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownRenderer, MarkdownView } from './MarkdownView';

/** Markdown, HTML and URL pieces that attack a renderer, mixed with any text. */
const pieces = fc.constantFrom(
  '**', '_', '`', '```js\n', '\n```\n', '\n', '\n\n', '# ', '> ', '- ', '1. ', '- [x] ', '|a|b|\n|-|-|\n|1|2|\n', '---\n',
  '[link](', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:x', ')', '](', '[',
  'https://example.com/a?b=c', 'mailto:a@b.c', '![img](https://evil.example/x.png)', '<https://auto.link>', 'www.example.com',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:1">x</a>', '<iframe src="//evil">',
  '<style>*{}</style>', '<div style="background:url(//evil)">', '<svg onload=alert(1)>', '&lt;b&gt;', '&#106;avascript:',
  '$x^2$', '$$\n\\frac{1}{2}\n$$', '\\href{javascript:alert(1)}{x}', '[^1]', '[^1]: note', '<details open>', '"', "'", '=',
  // Long enough for a streaming reply to render them part by part.
  `\`\`\`js\n${'let a = "<b>";\n'.repeat(30)}`,
  `${'Words [a](javascript:x) <b>bold</b> '.repeat(40)}\n`,
  `|a|b|\n|-|-|\n${'|<img src=x>|[y](data:z)|\n'.repeat(50)}`,
);
const markdown = fc.array(fc.oneof(pieces, fc.string({ maxLength: 8 })), { maxLength: 40 }).map((parts) => parts.join(''));

/** What a reply may become: text structure only. */
const TAGS = new Set([
  'div', 'span', 'p', 'br', 'hr', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'input', 'a', 'sup', 'section',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'button',
]);
const ATTRIBUTES = new Set(['class', 'href', 'title', 'type', 'checked', 'disabled', 'id', 'start', 'style', 'aria-label', 'aria-describedby', 'data-footnotes', 'data-footnote-ref', 'data-footnote-backref', 'dir', 'rel', 'target', 'referrerpolicy']);
const SAFE_HREF = /^(https?:|mailto:|#)/i;

describe('the Markdown renderer', () => {
  beforeAll(() => markdownRenderer.load());

  it('makes no element, attribute or link outside the allow-list, whatever the reply says, streaming or finished', () => {
    fc.assert(
      fc.property(markdown, fc.boolean(), (text, live) => {
        const html = renderToString(<MarkdownView text={text} live={live} />);
        for (const [, tag, attributes] of html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)) {
          expect(TAGS, `<${tag}> in ${html}`).toContain(tag.toLowerCase());
          for (const [, name, value] of attributes.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
            expect(ATTRIBUTES, `${name} on <${tag}> in ${html}`).toContain(name.toLowerCase());
            if (name === 'href') expect(value.replace(/&amp;/g, '&'), `a link in ${html}`).toMatch(SAFE_HREF);
            if (name === 'style') expect(value, `a style in ${html}`).not.toMatch(/url\(|expression/i);
          }
        }
      }),
      { numRuns: 400 },
    );
    // 400 renders of up to 40 pieces, some long: about 2 s alone, more on a busy machine.
  }, 20_000);
});
