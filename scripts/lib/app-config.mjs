// @ts-check
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The runtime config the app fetches from `/config.json`. The server reads only the hub URLs (for connect-src)
 * and the embed origins (for frame-ancestors).
 * @typedef {{ hubUrl?: string, hubUrls?: string[], embedOrigins?: string[], [field: string]: unknown }} AppConfig
 */

/**
 * Loads the config to serve: the `configPath` file, else the `config` object, else `dist/config.json`.
 * Throws a message fit for the terminal when a file is unreadable or not a JSON object.
 * @param {{ distDir: string, configPath?: string, config?: AppConfig }} options
 * @returns {Promise<{ value: AppConfig, json: string } | null>} null when there is none: the app uses its defaults
 */
export async function loadAppConfig({ distDir, configPath, config }) {
  if (configPath !== undefined && config !== undefined) throw new Error('give either a config file or a config object, not both');
  if (config !== undefined) return { value: checkShape(config, 'the config object'), json: `${JSON.stringify(config, null, 2)}\n` };
  if (configPath !== undefined) return readConfigFile(configPath);
  const built = join(distDir, 'config.json');
  return readConfigFile(built).catch((error) => {
    if (error.cause?.code === 'ENOENT') return null;
    throw error;
  });
}

/**
 * @param {string} path
 * @returns {Promise<{ value: AppConfig, json: string }>}
 */
async function readConfigFile(path) {
  let json;
  try {
    json = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config ${path}: ${/** @type {Error} */ (error).message}`, { cause: error });
  }
  let value;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`config ${path} is not valid JSON: ${/** @type {Error} */ (error).message}`);
  }
  return { value: checkShape(value, `config ${path}`), json };
}

/**
 * Checks the fields the server relies on; the app validates the rest.
 * @param {unknown} value
 * @param {string} source for messages
 * @returns {AppConfig}
 */
function checkShape(value, source) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source} must be a JSON object`);
  const { hubUrl, hubUrls, embedOrigins } = /** @type {Record<string, unknown>} */ (value);
  if (hubUrl !== undefined && typeof hubUrl !== 'string') throw new Error(`${source}: hubUrl must be a string`);
  if (hubUrls !== undefined && !(Array.isArray(hubUrls) && hubUrls.every((url) => typeof url === 'string'))) {
    throw new Error(`${source}: hubUrls must be an array of strings`);
  }
  if (embedOrigins !== undefined && !(Array.isArray(embedOrigins) && embedOrigins.every((origin) => typeof origin === 'string'))) {
    throw new Error(`${source}: embedOrigins must be an array of strings`);
  }
  return /** @type {AppConfig} */ (value);
}
