// @ts-check
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseRange } from './http-range.mjs';

/** @typedef {import('./http-range.mjs').ByteSpan} ByteSpan */
/** @typedef {(source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>} BodyStage */

/**
 * Status, body span and framing headers for a GET/HEAD of a `size`-byte file.
 * @param {string | undefined} rangeHeader
 * @param {number} size
 * @returns {{ status: 200 | 206 | 416, span: ByteSpan, headers: Record<string, string> }}
 */
export function fileResponseFraming(rangeHeader, size) {
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    return {
      status: 416,
      span: { start: 0, end: -1 },
      headers: { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes */${size}`, 'Content-Length': '0' },
    };
  }
  const span = range ?? { start: 0, end: size - 1 };
  /** @type {Record<string, string>} */
  const headers = { 'Accept-Ranges': 'bytes', 'Content-Length': String(span.end - span.start + 1) };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  return { status: range ? 206 : 200, span, headers };
}

/**
 * Streams `span` of a file into `res` through `stages` without holding the file in memory.
 * Never rejects: if the client goes away or the file vanishes, the response is destroyed.
 * @param {import('node:http').ServerResponse} res headers already written
 * @param {string} filePath
 * @param {ByteSpan} span
 * @param {{ stages?: BodyStage[], endResponse?: boolean }} [options] `endResponse: false` leaves the
 *   response open so the caller can drop the connection instead
 */
export async function streamFileSpan(res, filePath, span, { stages = [], endResponse = true } = {}) {
  if (span.end < span.start) {
    if (endResponse) res.end();
    return;
  }
  /** @type {AsyncIterable<Buffer>} */
  let body = createReadStream(filePath, span);
  for (const stage of stages) body = stage(body);
  try {
    await pipeline(body, res, { end: endResponse });
  } catch {
    res.destroy();
  }
}

/**
 * Answers GET/HEAD with a file: 200, 206 for a satisfiable single range, 416 otherwise.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} filePath
 * @param {number} size
 * @param {Record<string, string>} headers e.g. Content-Type and caching; framing headers are added here
 */
export async function sendFile(req, res, filePath, size, headers) {
  const { status, span, headers: framing } = fileResponseFraming(req.headers.range, size);
  res.writeHead(status, { ...headers, ...framing });
  if (req.method === 'HEAD' || status === 416) {
    res.end();
    return;
  }
  await streamFileSpan(res, filePath, span);
}
