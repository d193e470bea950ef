const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The href a link in model output may have: absolute http(s) and mailto URLs and in-page fragments only. The URL
 * parser sees the scheme as the browser would (it drops tabs and newlines, so `java\tscript:` is `javascript:`);
 * anything it cannot parse as absolute, and every other scheme (javascript:, data:, vbscript:, file:, blob:), is
 * refused and the link is shown as plain text.
 */
export function safeHref(url: string): string | null {
  const value = url.trim();
  if (/^#[^\s]*$/.test(value)) return value;
  if (!URL.canParse(value)) return null;
  const parsed = new URL(value);
  return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
}
