/**
 * File names and types of uploads:
 * - `safeFileName`: the client's file name made safe for an S3 key segment and a download name
 *   (no path, no "/" or "\\", no "..", no control characters, at most 100 characters).
 * - `sniffImageType`: JPEG, PNG or WebP judged by the file's first bytes (magic numbers), never by
 *   the client's Content-Type.
 * - `clientContentType`: a generic upload's declared type if it is a well-formed media type.
 */
export const MAX_FILE_NAME_LENGTH = 100;

export function safeFileName(raw: string | undefined, fallback: string): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.\s]+/, "")
    .trim();
  const chars = Array.from(cleaned);
  if (chars.length === 0) return fallback;
  if (chars.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  // Keep the extension when shortening.
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return Array.from(cleaned.slice(0, cleaned.length - extension.length)).slice(0, MAX_FILE_NAME_LENGTH - extension.length).join("") + extension;
}

export type ImageType = "image/jpeg" | "image/png" | "image/webp";

export function sniffImageType(head: Buffer): ImageType | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (head.length >= 12 && head.toString("latin1", 0, 4) === "RIFF" && head.toString("latin1", 8, 12) === "WEBP") return "image/webp";
  return undefined;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export function clientContentType(raw: string | undefined): string {
  const type = raw?.split(";")[0]?.trim().toLowerCase();
  return type && MEDIA_TYPE.test(type) ? type : "application/octet-stream";
}
