// @ts-check

/**
 * An inclusive byte span of a file; `end < start` means an empty body.
 * @typedef {{ start: number, end: number }} ByteSpan
 */

/**
 * Reads a `Range` header against a representation of `size` bytes (RFC 9110 §14.2).
 * Only a single `bytes=` range is honoured: download managers and transformers.js' size probe send one,
 * and a server may ignore what it does not support.
 * @param {string | undefined} header
 * @param {number} size
 * @returns {ByteSpan | 'unsatisfiable' | null} the span to send (206), 'unsatisfiable' (416),
 *   or null when the header is absent, malformed or multi-range and the whole file goes out (200)
 */
export function parseRange(header, size) {
  const match = header ? /^bytes=(\d*)-(\d*)$/i.exec(header.trim()) : null;
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffixLength = Number(last);
    if (suffixLength === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffixLength), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null; // an invalid range-spec: RFC 9110 says to ignore the header
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
