// Escaping and URL hygiene for everything that reaches a template from outside.

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text → HTML text or attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Plain text with line breaks → escaped HTML with <br />. */
export function escapeMultiline(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => escapeHtml(line))
    .join("<br />");
}

/** An absolute http(s) URL, or null (javascript:, data:, relative and malformed URLs are refused). */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return url.toString();
  } catch (_e) {
    return null;
  }
}

/**
 * A plain absolute https: URL, or null. Besides the scheme, it refuses what has no business in a URL
 * and could end an HTML attribute or a CSS url() where a template forgot to escape: quotes, spaces,
 * angle brackets, backslashes, backticks and control characters (a real URL percent-encodes them).
 */
export function plainHttpsUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const v = value.trim();
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (v.length > 2048 || !/^https:\/\/(?!\/)[^\s"'<>\\`\u0000-\u001f\u007f]+$/i.test(v)) return null;
  try {
    const url = new URL(v);
    return url.protocol === "https:" && url.hostname !== "" ? url.href : null;
  } catch (_e) {
    return null;
  }
}

/** #rgb or #rrggbb, nothing else: safe in a style attribute or a CSS custom property as it is. */
export function isHexColor(value: string): boolean {
  return /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value);
}

/** A CSS hex colour (#rgb or #rrggbb), else the fallback. */
export function safeColor(value: string | null | undefined, fallback: string): string {
  const v = value?.trim() ?? "";
  return isHexColor(v) ? v.toLowerCase() : fallback;
}

/** A CSS font stack made only of family names, commas, spaces, hyphens and quotes; else the fallback. */
export function safeFont(value: string | null | undefined, fallback: string): string {
  const v = value?.trim() ?? "";
  return v.length > 0 && v.length <= 200 && /^[A-Za-z0-9 ,'_-]+$/.test(v) ? v : fallback;
}

/** One line of user text: control characters and runs of whitespace collapsed, length bounded. */
export function oneLine(value: string | null | undefined, max = 200): string {
  const v = (value ?? "")
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return v.length > max ? `${v.slice(0, max - 1).trimEnd()}…` : v;
}
