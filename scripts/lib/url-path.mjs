// @ts-check

/**
 * Splits a request target's path into percent-decoded segments, or returns null when a segment could
 * climb out of a served folder: `.` and `..` (also encoded as `%2e`), encoded `/` or `\`, NUL, bad escapes —
 * or when a segment is empty (`//config.json`, `/a//b`, `/a/`): joined into a file path, an empty segment turns the
 * rest into an absolute path that no route expects (it once served the build's config.json instead of the operator's).
 * This reads `req.url` as sent, because `new URL()` would quietly resolve `..` before anyone saw it.
 * @param {string} requestTarget `req.url`, e.g. `/org/name/resolve/main/onnx/model.onnx?download=1`
 * @returns {string[] | null} e.g. `['org', 'name', 'resolve', 'main', 'onnx', 'model.onnx']`; `[]` for `/`
 */
export function pathSegments(requestTarget) {
  const [path] = requestTarget.split('?', 1);
  if (!path.startsWith('/')) return null;
  if (path === '/') return [];
  const segments = [];
  for (const raw of path.slice(1).split('/')) {
    if (raw === '') return null;
    let segment;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}
