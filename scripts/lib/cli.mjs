// @ts-check
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * True when the module was started with `node <file>` rather than imported (by tests, for example).
 * @param {string} moduleUrl `import.meta.url`
 */
export function isMainModule(moduleUrl) {
  const entry = process.argv[1];
  return entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
}

/**
 * @param {string} text a `--port` value
 * @returns {number}
 */
export function parsePort(text) {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${JSON.stringify(text)}`);
  return port;
}
