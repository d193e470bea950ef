import { memo, useMemo, type ComponentProps, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { splitBlocks } from '../chat/markdown-blocks';
import { rehypeMath, type MathRenderer, type RehypeMathOptions } from '../chat/rehype-math';
import { safeHref } from '../chat/safe-url';
import { lazyModule } from '../lazy-module';
import { CodeBlock } from './CodeBlock';
import { useLazyModule } from './use-lazy-module';
import { usePacedText } from './use-paced-text';

/**
 * Model output as Markdown (GFM tables, task lists, math, highlighted code), built as React elements and never as
 * HTML strings: raw HTML in the text stays text (react-markdown without rehype-raw), links keep only safe protocols,
 * images are not fetched (they would reach other hosts), and math is rendered by rehypeMath (KaTeX without trust).
 *
 * This module is a chunk of its own that MarkdownView loads; KaTeX is another, loaded when math first appears.
 */
const remarkPlugins = [remarkGfm, remarkMath];
const katex = lazyModule(() => import('../chat/katex-math'));

type RehypePlugins = ComponentProps<typeof Markdown>['rehypePlugins'];

function rehypePluginsWith(render: MathRenderer | null): RehypePlugins {
  const math: RehypeMathOptions = { render, onMathWithoutRenderer: katex.request };
  return [[rehypeMath, math], [rehypeHighlight, { detect: false }]];
}

/** Elements no Markdown or KaTeX output needs; dropped should anything produce them. */
const DISALLOWED = ['script', 'style', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'form', 'textarea', 'select', 'button'];

function SafeLink({ href, children }: { href?: string; children?: ReactNode }) {
  const safe = href ? safeHref(href) : null;
  if (!safe) return <span className="unsafe-link">{children}</span>;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer nofollow" referrerPolicy="no-referrer">
      {children}
    </a>
  );
}

function ImagePlaceholder({ alt }: { alt?: string }) {
  return <span className="image-placeholder">[image{alt ? `: ${alt}` : ''}]</span>;
}

const components: Components = {
  a: ({ href, children }) => <SafeLink href={href}>{children}</SafeLink>,
  img: ({ alt }) => <ImagePlaceholder alt={alt} />,
  pre: ({ children }) => <CodeBlock>{children}</CodeBlock>,
  // GFM task lists are the only inputs Markdown makes; a read-only checkbox with a name says done or not.
  input: ({ type, checked }) =>
    type === 'checkbox' ? <input type="checkbox" checked={!!checked} disabled aria-label={checked ? 'Done' : 'Not done'} /> : null,
  table: ({ children }) => (
    <div className="table-scroll">
      <table>{children}</table>
    </div>
  ),
};

/** Links pass through our own check in SafeLink; this keeps every other URL attribute empty. */
function urlTransform(url: string, key: string): string {
  return key === 'href' ? url : '';
}

const MarkdownBlock = memo(function MarkdownBlock({ text, rehypePlugins }: { text: string; rehypePlugins: RehypePlugins }) {
  return (
    <Markdown
      remarkPlugins={remarkPlugins}
      rehypePlugins={rehypePlugins}
      components={components}
      disallowedElements={DISALLOWED}
      urlTransform={urlTransform}
    >
      {text}
    </Markdown>
  );
});

/** `live` while the text is still streaming: renders are then paced to their cost (see usePacedText). */
export function MarkdownRenderer({ text, live }: { text: string; live: boolean }) {
  const shown = usePacedText(text, live);
  const blocks = useMemo(() => splitBlocks(shown), [shown]);
  // Math found by rehypeMath asks for KaTeX; its arrival renders the blocks again, with math.
  const math = useLazyModule(katex, false);
  const rehypePlugins = useMemo(() => rehypePluginsWith(math?.renderMath ?? null), [math]);
  return (
    <div className="markdown">
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} text={block} rehypePlugins={rehypePlugins} />
      ))}
    </div>
  );
}
