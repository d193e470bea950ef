// @ts-check

const DEFAULT_HUB_URL = 'https://huggingface.co';

/**
 * The app's Content-Security-Policy: everything from our own origin, plus fetches to the model hubs
 * the config names. `wasm-unsafe-eval` lets onnxruntime-web compile its WebAssembly; nothing else
 * may run that we did not ship.
 * @param {{ hubUrl?: string, hubUrls?: string[] }} config the runtime config the app reads
 * @returns {string}
 */
export function buildContentSecurityPolicy(config) {
  const hubOrigins = new Set([config.hubUrl ?? DEFAULT_HUB_URL, ...(config.hubUrls ?? [])].flatMap(hubSources));
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
    "frame-ancestors 'none'",
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
  const origin = hubOrigin(url);
  return HUGGING_FACE_ORIGINS.has(origin) ? [origin, ...HUGGING_FACE_CDNS] : [origin];
}

/**
 * The origin of a hub URL (a mirror may live under a path; CSP sources here are whole origins).
 * @param {unknown} url
 * @returns {string}
 */
function hubOrigin(url) {
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(`hub URL must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  // URL() lets characters such as ';' through in host names; one would end the CSP directive.
  if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(parsed.hostname)) {
    throw new Error(`hub URL has an unusable host name: ${JSON.stringify(url)}`);
  }
  return parsed.origin;
}
