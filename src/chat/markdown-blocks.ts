/**
 * Splits Markdown into top-level blocks at blank lines outside code fences and $$ math, so a streaming reply re-renders
 * only its last block each frame while the finished ones stay as they are.
 */
export function splitBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  const fences = new FenceState();
  for (const line of markdown.split('\n')) {
    const trimmed = line.trim();
    fences.see(trimmed);
    if (trimmed === '' && fences.quiet && current.length > 0) {
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

/** Follows code fences and $$ math line by line: outside both (`quiet`), lines are Markdown structure. */
class FenceState {
  private fence: string | null = null;
  private inMath = false;

  get quiet(): boolean {
    return this.fence === null && !this.inMath;
  }

  /** Takes the next line, trimmed. */
  see(trimmed: string): void {
    const fenceMatch = /^(`{3,}|~{3,})/.exec(trimmed);
    if (this.quiet && fenceMatch) this.fence = fenceMatch[1];
    else if (this.fence !== null && closesFence(trimmed, this.fence)) this.fence = null;
    else if (this.fence === null && trimmed === '$$') this.inMath = !this.inMath;
  }
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

/** One part of a long block that is still streaming (see splitLiveParts). */
export interface LivePart {
  markdown: string;
  /** The part goes on with a table: its Markdown starts with that table's header and delimiter rows, not shown again. */
  continuesTable: boolean;
  /** The part goes on with a line cut at a space: it is shown on the same line as the part before. */
  continuesLine: boolean;
}

const TABLE_DELIMITER_ROW = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
/**
 * A line at the margin, outside any list item, that does not underline the one before into a heading. (CommonMark
 * takes up to three spaces as the margin too, but a list item's lines may be indented that little.)
 */
const startsAtMargin = (line: string) => /^\S/.test(line) && !/^(-+|=+)\s*$/.test(line);
/** Where a line may be cut: a space before a letter, which starts no Markdown block (no list, quote or heading). */
const SPACE_BEFORE_LETTER = / (?=\p{L})/gu;

/**
 * Cuts a long block (a paragraph, a list, a table…) that a reply is still writing into parts of about `partChars`
 * characters, so each part is parsed once when it is complete and only the last one again as the text grows; null
 * for a shorter block and for a code block (see splitCodeParts). A cut falls before a complete line that starts at
 * the margin, outside fences and math; a longer line outside a table is cut at a space before a letter. Once a part
 * is followed by another it never changes as the block grows. Markdown that spans a cut (emphasis, a link, a list
 * item's lazy line) may show as written until the block is complete and rendered whole.
 */
export function splitLiveParts(block: string, partChars: number): LivePart[] | null {
  if (block.length <= partChars) return null;
  const lines = block.split('\n');
  const parts: LivePart[] = [];
  let part: LivePart = { markdown: '', continuesTable: false, continuesLine: false };
  const fences = new FenceState();
  let tableHead: string | null = null;
  lines.forEach((line, index) => {
    const quiet = fences.quiet;
    fences.see(line.trim());
    // Outside fences and math, and opening neither.
    const plainLine = quiet && fences.quiet;
    if (tableHead !== null && !line.includes('|')) tableHead = null;
    const complete = index < lines.length - 1;
    const cuttable = complete && quiet && startsAtMargin(line) && !TABLE_DELIMITER_ROW.test(line);
    if (part.markdown.length >= partChars && cuttable) {
      parts.push(part);
      part = { markdown: tableHead === null ? line : `${tableHead}\n${line}`, continuesTable: tableHead !== null, continuesLine: false };
    } else {
      part.markdown = index === 0 ? line : `${part.markdown}\n${line}`;
    }
    if (line.length > partChars && plainLine && tableHead === null) {
      // A line longer than a part: cut at the first space before a letter past each part's length.
      for (const space of line.matchAll(SPACE_BEFORE_LETTER)) {
        const before = part.markdown.length - (line.length - space.index);
        if (before < partChars) continue;
        parts.push({ ...part, markdown: part.markdown.slice(0, before) });
        part = { markdown: part.markdown.slice(before + 1), continuesTable: false, continuesLine: true };
      }
    }
    if (quiet && tableHead === null && line.includes('|') && TABLE_DELIMITER_ROW.test(lines[index + 1] ?? '')) {
      tableHead = `${line}\n${lines[index + 1]}`;
    }
  });
  parts.push(part);
  // A block that could not be cut (a code block or formula, say) is rendered as it is.
  return parts.length > 1 ? parts : null;
}
