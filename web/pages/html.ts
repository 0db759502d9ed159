/**
 * Safe HTML for the server-rendered pages: a tagged template that escapes every interpolated value
 * unless it is already `Html` (the output of another `html` template or of `raw`), and the
 * security headers every page is sent with.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** `html\`<p>${userText}</p>\`` — interpolations are escaped; arrays are concatenated. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

/** Marks trusted markup (never user input). */
export const raw = (markup: string): Html => new Html(markup);

/** The origin (`scheme://host[:port]`) of an absolute http(s) URL, or undefined. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Content-Security-Policy of the pages: scripts and styles only from this origin (no inline code),
 * no plugins, no framing, forms and fetches to this origin only. Images also from `imageOrigins`:
 * the S3 endpoint that the presigned avatar URLs point to.
 */
export function contentSecurityPolicy(imageOrigins: readonly string[]): string {
  const img = ["'self'", "data:", ...new Set(imageOrigins)].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img}`,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers of every HTML response (the presigned URLs on a page must not leak through Referer). */
export function pageHeaders(imageOrigins: readonly string[]): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": contentSecurityPolicy(imageOrigins),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  };
}
