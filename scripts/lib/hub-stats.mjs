// @ts-check

/**
 * @typedef {{ method: string, path: string, range: string | null, status: number, bytes: number }} RequestRecord
 * `status` is 0 while the response is pending or if the connection died before headers went out;
 * `bytes` counts body bytes handed to the connection.
 */

/**
 * @typedef {object} HubStats
 * @property {RequestRecord[]} requests in arrival order
 * @property {Record<string, { requests: number, bytes: number }>} byPath keyed by URL path without query
 * @property {number} totalBytes body bytes over all responses
 */

/** Counts what the fake Hub served, so tests can assert e.g. that a resumed download re-sent little. */
export function createHubStats() {
  /** @type {HubStats} */
  let stats = { requests: [], byPath: {}, totalBytes: 0 };

  return {
    /** The live counters; a reset swaps in fresh ones. */
    get current() {
      return stats;
    },

    reset() {
      stats = { requests: [], byPath: {}, totalBytes: 0 };
    },

    /**
     * Records a request; the returned tracker keeps counting into the stats it began in.
     * @param {import('node:http').IncomingMessage} req
     */
    begin(req) {
      const target = stats;
      const path = (req.url ?? '').split('?', 1)[0];
      /** @type {RequestRecord} */
      const record = { method: req.method ?? '', path, range: req.headers.range ?? null, status: 0, bytes: 0 };
      target.requests.push(record);
      const perPath = (target.byPath[path] ??= { requests: 0, bytes: 0 });
      perPath.requests += 1;
      return {
        /** @param {number} count */
        addBytes(count) {
          record.bytes += count;
          perPath.bytes += count;
          target.totalBytes += count;
        },
        /** @param {number} status */
        setStatus(status) {
          record.status = status;
        },
      };
    },
  };
}
