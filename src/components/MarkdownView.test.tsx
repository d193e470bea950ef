// @vitest-environment happy-dom
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { markdownRenderer, MarkdownView } from './MarkdownView';

describe('MarkdownView', () => {
  it('shows the reply as plain text until the Markdown renderer has arrived, then as Markdown', async () => {
    const text = 'Some **bold** text\n\n<b>raw</b>';
    const before = renderToString(<MarkdownView text={text} />);
    expect(before).toContain('class="markdown markdown-pending"');
    expect(before).toContain('Some **bold** text\n\n&lt;b&gt;raw&lt;/b&gt;');

    await markdownRenderer.load();
    const after = renderToString(<MarkdownView text={text} />);
    expect(after).toContain('<strong>bold</strong>');
    expect(after).not.toContain('<b>');
    expect(after).not.toContain('markdown-pending');
  });
});

describe('a long code block while the reply streams', () => {
  const code = Array.from({ length: 60 }, (_, line) => `const value${line} = "text ${line}"; // note`).join('\n');
  const reply = `Here it is:\n\n\`\`\`js\n${code}\n`;

  it('shows one highlighted block with every line, as the finished reply does', async () => {
    await markdownRenderer.load();
    const streaming = document.createElement('div');
    streaming.innerHTML = renderToString(<MarkdownView text={reply} live />);
    const finished = document.createElement('div');
    finished.innerHTML = renderToString(<MarkdownView text={`${reply}\`\`\``} />);

    for (const view of [streaming, finished]) {
      expect(view.querySelectorAll('pre')).toHaveLength(1);
      expect(view.querySelectorAll('pre code')).toHaveLength(1);
      expect(view.querySelectorAll('button[aria-label="Copy code"]')).toHaveLength(1);
      expect(view.querySelectorAll('pre .hljs-string')).toHaveLength(60);
      expect(view.querySelector('pre')?.textContent?.trimEnd()).toBe(code);
    }
  });
});
