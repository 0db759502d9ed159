/**
 * Static assets of the pages, embedded in the bundle as strings and served under a content-hashed
 * name (/static/app.<hash>.css), so they can be cached for a year: a changed asset is a new URL.
 */
import { createHash } from "node:crypto";
import { SCRIPT } from "./assets/script";
import { STYLES } from "./assets/styles";

export interface Asset {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly etag: string;
}

function asset(base: string, ext: string, contentType: string, text: string): Asset {
  const body = Buffer.from(text, "utf8");
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return { path: `/static/${base}.${hash}.${ext}`, contentType, body, etag: `"${hash}"` };
}

export const ASSETS = {
  styles: asset("app", "css", "text/css; charset=utf-8", STYLES),
  script: asset("app", "js", "text/javascript; charset=utf-8", SCRIPT),
} as const;

/** Versioned URLs never change content: cache them for a year, without revalidation. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
