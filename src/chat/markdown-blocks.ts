/**
 * Splits Markdown into top-level blocks at blank lines outside code fences and $$ math, so a streaming reply re-renders
 * only its last block each frame while the finished ones stay as they are.
 */
export function splitBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let inMath = false;
  for (const line of markdown.split('\n')) {
    const trimmed = line.trim();
    const fenceMatch = /^(`{3,}|~{3,})/.exec(trimmed);
    if (fence === null && !inMath && fenceMatch) fence = fenceMatch[1];
    else if (fence !== null && closesFence(trimmed, fence)) fence = null;
    else if (fence === null && trimmed === '$$') inMath = !inMath;
    if (trimmed === '' && fence === null && !inMath && current.length > 0) {
      blocks.push(current.join('\n'));
      current = [];
      continue;
    }
    if (trimmed === '' && current.length === 0) continue;
    current.push(line);
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks;
}

/** A closing fence: the opening fence's character, at least as many times, and nothing else. */
function closesFence(trimmedLine: string, fence: string): boolean {
  return trimmedLine.length >= fence.length && [...trimmedLine].every((char) => char === fence[0]);
}

/** A fenced code block cut into parts of whole lines (see splitCodeParts). */
export interface CodeParts {
  /** The opening fence line as written, with its info string. */
  opener: string;
  /** The fence's characters, which close a part. */
  fence: string;
  /** The first word of the info string, if any. */
  language: string | undefined;
  /** The code, in parts of `linesPerPart` lines; the last may be shorter and still growing. */
  parts: string[];
}

/**
 * Cuts a fenced code block of more than `linesPerPart` lines into parts of that many lines; null for any other block.
 * While a reply streams a long code block, each finished part is highlighted once and only the last one again: the
 * parts of a block never change as lines are added after them.
 */
export function splitCodeParts(block: string, linesPerPart: number): CodeParts | null {
  const [opener, ...lines] = block.split('\n');
  const fence = /^ {0,3}(`{3,}|~{3,})/.exec(opener)?.[1];
  if (fence === undefined) return null;
  const info = opener.trim().slice(fence.length).trim();
  // Not a fence at all in CommonMark: Markdown would make a paragraph of it.
  if (fence.startsWith('`') && info.includes('`')) return null;
  const closer = lines.findIndex((line) => closesFence(line.trim(), fence));
  if (closer !== -1) {
    // Text right after the closing fence belongs to the same block; such a block is rendered as usual.
    if (closer < lines.length - 1) return null;
    lines.pop();
  }
  if (lines.length <= linesPerPart) return null;
  const parts: string[] = [];
  for (let start = 0; start < lines.length; start += linesPerPart) parts.push(lines.slice(start, start + linesPerPart).join('\n'));
  return { opener, fence, language: info.split(/\s/)[0] || undefined, parts };
}
