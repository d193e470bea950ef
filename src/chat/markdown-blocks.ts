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
    else if (fence !== null && trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === '') fence = null;
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
