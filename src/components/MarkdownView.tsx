import { lazyModule } from '../lazy-module';
import { useLazyModule } from './use-lazy-module';

/**
 * The Markdown renderer (react-markdown, its plugins, highlight.js) is a chunk of its own, so the page's first load
 * stays small. A reply on screen asks for it, and the page asks as soon as a model starts loading (src/main.tsx), so a
 * new reply hardly ever waits for it; until it is there, a reply shows as plain text, which the rendered Markdown then
 * replaces.
 */
export const markdownRenderer = lazyModule(() => import('./MarkdownRenderer'));

/** `live` while the text is still streaming. */
export function MarkdownView({ text, live = false }: { text: string; live?: boolean }) {
  const loaded = useLazyModule(markdownRenderer);
  if (!loaded) return <div className="markdown markdown-pending">{text}</div>;
  return <loaded.MarkdownRenderer text={text} live={live} />;
}
