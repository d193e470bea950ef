import { memo, useMemo, type ComponentProps, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { splitBlocks, splitCodeParts, splitLiveParts, type CodeParts, type LivePart } from '../chat/markdown-blocks';
import { rehypeMath, type MathRenderer, type RehypeMathOptions } from '../chat/rehype-math';
import { safeHref } from '../chat/safe-url';
import { lazyModule, whenIdle } from '../lazy-module';
import { CodeBlock } from './CodeBlock';
import { useLazyModule } from './use-lazy-module';
import { usePacedText } from './use-paced-text';

/**
 * Model output as Markdown (GFM tables, task lists, math, highlighted code), built as React elements and never as
 * HTML strings: raw HTML in the text stays text (react-markdown without rehype-raw), links keep only safe protocols,
 * images are not fetched (they would reach other hosts), and math is rendered by rehypeMath (KaTeX without trust).
 *
 * This module is a chunk of its own that MarkdownView loads; KaTeX is another, loaded by warmUp or when math first
 * appears.
 */
const remarkPlugins = [remarkGfm, remarkMath];
const katex = lazyModule(() => import('../chat/katex-math'));

type RehypePlugins = ComponentProps<typeof Markdown>['rehypePlugins'];

/**
 * rehype-highlight registers its 37 grammars each time it is attached, and react-markdown attaches every plugin on
 * every render: with the plugin as it is, each streamed render of a reply paid for that (about 9 ms of each render
 * on 2 cores, and 50–80 ms of the first). This attacher hands out one highlighter, made once (see warmUp).
 */
let highlight: ReturnType<typeof rehypeHighlight> | undefined;
const highlighter = () => (highlight ??= rehypeHighlight({ detect: false }));
function rehypeHighlightOnce(): ReturnType<typeof rehypeHighlight> {
  return (tree, file) => highlighter()(tree, file);
}

function rehypePluginsWith(render: MathRenderer | null): RehypePlugins {
  const math: RehypeMathOptions = { render, onMathWithoutRenderer: katex.request };
  return [[rehypeMath, math], rehypeHighlightOnce];
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

const options = { remarkPlugins, components, disallowedElements: DISALLOWED, urlTransform };

/**
 * Lines per part of a long code block that is still streaming. Highlighted whole, the block costs more with each line:
 * streaming a 300-line block (22,500 characters), a render took 34 ms at half way and 77 ms at the end (medians;
 * up to 200 ms), against 1.4–1.6 ms in parts (React's development build in happy-dom, so only the ratio counts).
 */
const LINES_PER_LIVE_PART = 24;

/** Inside a part, react-markdown's <pre><code> give way to the one code element of LiveCodeBlock. */
function Unwrapped({ children }: { children?: ReactNode }) {
  return <>{children}</>;
}
const partOptions = { ...options, components: { ...components, pre: Unwrapped, code: Unwrapped } satisfies Components };

const LiveCodePart = memo(function LiveCodePart({ markdown, rehypePlugins }: { markdown: string; rehypePlugins: RehypePlugins }) {
  return (
    <Markdown {...partOptions} rehypePlugins={rehypePlugins}>
      {markdown}
    </Markdown>
  );
});

/**
 * A long code block while it streams: one block on screen, highlighted part by part, so a new line costs one part's
 * render. A string or comment that spans two parts may be coloured wrongly until the reply ends and the block is
 * highlighted whole.
 */
function LiveCodeBlock({ code, rehypePlugins }: { code: CodeParts; rehypePlugins: RehypePlugins }) {
  return (
    <CodeBlock>
      <code className={code.language && `language-${code.language}`}>
        {code.parts.map((part, index) => (
          <LiveCodePart key={index} markdown={`${code.opener}\n${part}\n${code.fence}`} rehypePlugins={rehypePlugins} />
        ))}
      </code>
    </CodeBlock>
  );
}

/**
 * Characters per part of any other long block that is still streaming (a paragraph, a list, a table). Parsed whole,
 * such a block costs more with each token: a 6,900-character paragraph that a model wrote without a blank line made
 * 46 main-thread tasks of 50–477 ms while it streamed (see docs/performance.md).
 */
const CHARS_PER_LIVE_PART = 1_000;

/** A table's later part repeats the table's header rows for the parser; they are on screen once, in the first part. */
const tableContinuationOptions = { ...options, components: { ...components, thead: () => null } satisfies Components };

const LiveBlockPart = memo(function LiveBlockPart({ markdown, continuesTable, continuesLine, rehypePlugins }: LivePart & { rehypePlugins: RehypePlugins }) {
  const className = ['live-part', continuesTable && 'continues-table', continuesLine && 'continues-line'].filter(Boolean).join(' ');
  return (
    <div className={className}>
      {continuesLine && ' '}
      <Markdown {...(continuesTable ? tableContinuationOptions : options)} rehypePlugins={rehypePlugins}>
        {markdown}
      </Markdown>
    </div>
  );
});

/** `live` for the block a streaming reply is still writing. */
const MarkdownBlock = memo(function MarkdownBlock({ text, rehypePlugins, live }: { text: string; rehypePlugins: RehypePlugins; live: boolean }) {
  const code = live ? splitCodeParts(text, LINES_PER_LIVE_PART) : null;
  if (code) return <LiveCodeBlock code={code} rehypePlugins={rehypePlugins} />;
  const parts = live ? splitLiveParts(text, CHARS_PER_LIVE_PART) : null;
  if (parts) return parts.map((part, index) => <LiveBlockPart key={index} {...part} rehypePlugins={rehypePlugins} />);
  return (
    <Markdown {...options} rehypePlugins={rehypePlugins}>
      {text}
    </Markdown>
  );
});

/** The constructs replies use most, for warmUp. */
const WARM_UP_TEXT = '# Title\n\nSome *text*, **bold**, `code` and a [link](https://example.org).\n\n- one\n- [x] two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst a = 1;\n```\n';

/**
 * Cold, the first reply's first render took about 100 ms of the main thread (most of it building the highlighter,
 * the rest the parser's code running for the first time): a hitch just as the first words arrive. Done in idle
 * moments after this module loads (while a model loads), it costs the page nothing it would notice.
 *
 * KaTeX too: fetched when math first appeared, it arrived mid-reply and every reply on screen rendered again with
 * its first, cold math — a 70 ms task while streaming (226 ms on a busy machine). So it is fetched here as well, and
 * one formula is rendered to run its code once.
 */
export function warmUp(): void {
  whenIdle(() => {
    highlighter();
    // react-markdown's `Markdown` is a plain function (no hooks): called here it parses and builds elements only.
    whenIdle(() => {
      void Markdown({ ...options, rehypePlugins: rehypePluginsWith(null), children: WARM_UP_TEXT });
      katex.load().then(
        (math) => whenIdle(() => void math.renderMath('\\frac{a^2}{\\sqrt{b}}', false)),
        () => undefined, // math asks again when it appears
      );
    });
  });
}

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
        <MarkdownBlock key={index} text={block} rehypePlugins={rehypePlugins} live={live && index === blocks.length - 1} />
      ))}
    </div>
  );
}
