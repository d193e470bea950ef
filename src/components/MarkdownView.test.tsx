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

describe('any other long block while the reply streams', () => {
  const textOf = (view: Element) => (view.textContent ?? '').replace(/\s+/g, ' ').trim();
  const render = (text: string, live: boolean) => {
    const view = document.createElement('div');
    view.innerHTML = renderToString(<MarkdownView text={text} live={live} />);
    return view;
  };

  it('shows a paragraph written without a line break, a long list and a long table with every word, in parts', async () => {
    await markdownRenderer.load();
    const paragraph = 'I am sorry, **but** I cannot help with that. '.repeat(60).trim();
    const list = Array.from({ length: 60 }, (_, item) => `${item + 1}. Item *${item + 1}* of the list`).join('\n');
    const table = ['| n | square |', '|---|---|', ...Array.from({ length: 80 }, (_, n) => `| ${n} | ${n * n} |`)].join('\n');
    for (const block of [paragraph, list, table]) {
      const streaming = render(`Intro.\n\n${block}\n`, true);
      const finished = render(`Intro.\n\n${block}\n`, false);
      expect(streaming.querySelectorAll('.live-part').length).toBeGreaterThan(1);
      expect(finished.querySelectorAll('.live-part')).toHaveLength(0);
      expect(textOf(streaming)).toBe(textOf(finished));
    }
    const streamingTable = render(table, true);
    expect(streamingTable.querySelectorAll('thead')).toHaveLength(1);
    expect(streamingTable.querySelectorAll('tbody tr')).toHaveLength(80);
    const streamingList = render(list, true);
    expect(Array.from(streamingList.querySelectorAll('li'), (item) => item.textContent)).toEqual(list.split('\n').map((line) => line.replace(/^\d+\. |\*/g, '')));
    expect(render(paragraph, true).querySelectorAll('strong')).toHaveLength(60);
  });
});
