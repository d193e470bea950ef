// @ts-check
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Ways the fake Hub misbehaves, for tests of a download manager.
 * @typedef {object} HubFaults
 * @property {number} [cutAfterBytes] drop the connection after this many body bytes of a file response
 * @property {number} [cutTimes] cut only the first K responses of each file, then serve it whole
 * @property {boolean} [hangAtCut] at the cut, leave the connection open and silent instead of closing it, until the
 *   client gives up (a stalled download)
 * @property {number} [failEveryNth] answer every Nth request (counting from the last setFaults) with 500
 * @property {boolean} [corrupt] invert the bytes of LFS file bodies; headers keep the real file's hashes
 * @property {boolean} [ignoreRange] answer Range requests with 200 and the whole file
 * @property {number} [bytesPerSecond] throttle file bodies
 * @property {boolean} [html] answer every request with a 200 HTML page (captive portal, wrong hub URL)
 * @property {boolean} [offline] destroy every connection at once
 */

const COUNTS = ['cutAfterBytes', 'cutTimes', 'failEveryNth', 'bytesPerSecond'];
const FLAGS = ['corrupt', 'ignoreRange', 'html', 'offline', 'hangAtCut'];

/**
 * Throws on unknown or mistyped faults, so a typo in a test cannot quietly switch a fault off.
 * @param {Record<string, unknown>} faults
 * @returns {HubFaults}
 */
function validateFaults(faults) {
  for (const [name, value] of Object.entries(faults)) {
    if (value === undefined) continue;
    if (COUNTS.includes(name)) {
      const least = name === 'failEveryNth' || name === 'bytesPerSecond' ? 1 : 0;
      if (!Number.isInteger(value) || /** @type {number} */ (value) < least) {
        throw new TypeError(`fault ${name} must be an integer ≥ ${least}, got ${JSON.stringify(value)}`);
      }
    } else if (FLAGS.includes(name)) {
      if (typeof value !== 'boolean') throw new TypeError(`fault ${name} must be a boolean, got ${JSON.stringify(value)}`);
    } else {
      throw new TypeError(`unknown fault ${JSON.stringify(name)}; known: ${[...COUNTS, ...FLAGS].join(', ')}`);
    }
  }
  return faults;
}

/** Fault settings with the counters they need; setFaults replaces the whole plan, so counting starts over. */
export class FaultPlan {
  /** @param {Record<string, unknown>} faults */
  constructor(faults) {
    /** @readonly */
    this.faults = Object.freeze({ ...validateFaults(faults) });
    this.requests = 0;
    /** @type {Map<string, number>} */
    this.cutsByFile = new Map();
  }

  /** Counts a request and says whether `failEveryNth` turns it into a 500. */
  nextRequestFails() {
    this.requests += 1;
    const every = this.faults.failEveryNth;
    return every !== undefined && this.requests % every === 0;
  }

  /**
   * How many body bytes to send before dropping the connection; undefined sends the whole body.
   * A body no longer than the limit is not cut and does not count towards `cutTimes`
   * (transformers.js' one-byte size probe must not use up the cuts).
   * @param {string} fileKey the file, whatever revision named it
   * @param {number} bodyLength
   * @returns {number | undefined}
   */
  cutPoint(fileKey, bodyLength) {
    const { cutAfterBytes, cutTimes } = this.faults;
    if (cutAfterBytes === undefined || bodyLength <= cutAfterBytes) return undefined;
    const cuts = this.cutsByFile.get(fileKey) ?? 0;
    if (cutTimes !== undefined && cuts >= cutTimes) return undefined;
    this.cutsByFile.set(fileKey, cuts + 1);
    return cutAfterBytes;
  }
}

/**
 * Inverts every byte, so any non-empty slice fails a sha256 check.
 * @param {AsyncIterable<Buffer>} source
 */
export async function* corruptBytes(source) {
  for await (const chunk of source) {
    const flipped = Buffer.allocUnsafe(chunk.length);
    for (let i = 0; i < chunk.length; i += 1) flipped[i] = chunk[i] ^ 0xff;
    yield flipped;
  }
}

/**
 * Paces a body at about `bytesPerSecond`, in slices of a twentieth of a second so progress stays smooth.
 * @param {number} bytesPerSecond
 * @returns {import('./file-response.mjs').BodyStage}
 */
export function throttle(bytesPerSecond) {
  const sliceLength = Math.max(1, Math.ceil(bytesPerSecond / 20));
  return async function* throttled(source) {
    for await (const chunk of source) {
      for (let offset = 0; offset < chunk.length; offset += sliceLength) {
        const slice = chunk.subarray(offset, offset + sliceLength);
        yield slice;
        await sleep((slice.length / bytesPerSecond) * 1000);
      }
    }
  };
}
