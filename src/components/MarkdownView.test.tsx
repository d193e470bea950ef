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
