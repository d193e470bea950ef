// @ts-check

const DEFAULT_HUB_URL = 'https://huggingface.co';

/**
 * The app's Content-Security-Policy: everything from our own origin, plus fetches to the model hubs
 * the config names. `wasm-unsafe-eval` lets onnxruntime-web compile its WebAssembly; nothing else
 * may run that we did not ship. Only the configured embed origins may frame the app.
 * @param {{ hubUrl?: string, hubUrls?: string[], embedOrigins?: string[] }} config the runtime config the app reads
 * @returns {string}
 */
export function buildContentSecurityPolicy(config) {
  const hubs = config.hubUrl === undefined && !config.hubUrls?.length ? [DEFAULT_HUB_URL] : [config.hubUrl, ...(config.hubUrls ?? [])];
  const hubOrigins = new Set(hubs.filter((url) => url !== undefined).flatMap(hubSources));
  const embedOrigins = new Set((config.embedOrigins ?? []).map(embedOrigin));
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    `connect-src ${["'self'", ...hubOrigins].join(' ')}`,
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${embedOrigins.size > 0 ? [...embedOrigins].join(' ') : "'none'"}`,
  ].join('; ');
}

/** The Hugging Face Hub answers `resolve` for weight files with a redirect to its download CDNs on these hosts. */
const HUGGING_FACE_ORIGINS = new Set(['https://huggingface.co', 'https://hf.co']);
const HUGGING_FACE_CDNS = ['https://*.hf.co', 'https://*.huggingface.co'];

/**
 * The CSP sources a hub needs: its origin, and for the Hugging Face Hub also the CDNs it redirects downloads to
 * (CSP checks every redirect target, so without them no weights could be fetched).
 * @param {unknown} url
 * @returns {string[]}
 */
function hubSources(url) {
  // A mirror on the app's own origin (`/models`) is covered by 'self'; `//host` is another host to a browser.
  if (typeof url === 'string' && !url.startsWith('//') && (url.startsWith('/') || url.startsWith('.'))) return [];
  const origin = originOf(url, 'hub URL');
  return HUGGING_FACE_ORIGINS.has(origin) ? [origin, ...HUGGING_FACE_CDNS] : [origin];
}

/**
 * An origin allowed to frame the app: exactly `scheme://host[:port]`, as the app compares postMessage origins.
 * @param {unknown} value
 * @returns {string}
 */
function embedOrigin(value) {
  const origin = originOf(value, 'embed origin');
  if (String(value).replace(/\/$/, '') !== origin) throw new Error(`embed origin must be a bare origin such as https://intranet.example, got ${JSON.stringify(value)}`);
  return origin;
}

/**
 * The origin of a URL (a mirror may live under a path; CSP sources here are whole origins).
 * @param {unknown} url
 * @param {string} what for messages
 * @returns {string}
 */
function originOf(url, what) {
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(`${what} must be an absolute https URL, got ${JSON.stringify(url)}`);
  }
  // On a network, plain http lets whoever sits between swap a hub's weights together with its hashes.
  if (parsed.protocol === 'http:' && !/^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(parsed.hostname)) {
    throw new Error(`${what} must use https (plain http is allowed only on this machine), got ${JSON.stringify(url)}`);
  }
  // URL() lets characters such as ';' through in host names; one would end the CSP directive.
  if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(parsed.hostname)) {
    throw new Error(`${what} has an unusable host name: ${JSON.stringify(url)}`);
  }
  return parsed.origin;
}
