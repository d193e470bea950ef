import type { Element, ElementContent, Root, RootContent } from 'hast';
import { toText } from 'hast-util-to-text';

/** TeX source as elements (KaTeX's, from katex-math.ts). */
export type MathRenderer = (source: string, displayMode: boolean) => ElementContent[];

export interface RehypeMathOptions {
  /** Null until KaTeX has arrived: the math then shows as its source. */
  render: MathRenderer | null;
  /** Called when math is found and `render` is null, to fetch KaTeX. */
  onMathWithoutRenderer: () => void;
}

function classesOf(element: Element): string[] {
  const value = element.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
}

/** The TeX source as it was written, until KaTeX is there to render it. */
function sourceOf(source: string): ElementContent[] {
  return [{ type: 'element', tagName: 'code', properties: { className: ['math-source'] }, children: [{ type: 'text', value: source }] }];
}

function transform(node: Root | Element, options: RehypeMathOptions): void {
  node.children.forEach((child: RootContent, index) => {
    if (child.type !== 'element') return;
    const classes = classesOf(child);
    const fencedMath = child.tagName === 'pre' && child.children.some((c) => c.type === 'element' && classesOf(c).includes('language-math'));
    if (fencedMath || classes.includes('math-display') || classes.includes('math-inline')) {
      const display = fencedMath || classes.includes('math-display');
      const source = toText(child, { whitespace: 'pre' });
      if (!options.render) options.onMathWithoutRenderer();
      const rendered = options.render ? options.render(source, display) : sourceOf(source);
      node.children[index] = { type: 'element', tagName: display ? 'div' : 'span', properties: { className: ['math'] }, children: rendered };
      return;
    }
    transform(child, options);
  });
}

/** Renders the math nodes remark-math leaves (`math-inline`, `math-display`, and ```math fences). */
export function rehypeMath(options: RehypeMathOptions) {
  return (tree: Root) => transform(tree, options);
}
