/** What an accepted profile picture is: a JPEG, PNG or WebP image of 1 byte up to 5 MiB. */
export const ACCEPTED_CONTENT_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp"]);
export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

export type RejectionReason = "unsupported-content-type" | "too-large" | "empty-object" | "unknown-size";

export type UploadVerdict =
  | { readonly accepted: true; readonly contentType: string; readonly size: number }
  | { readonly accepted: false; readonly reason: RejectionReason; readonly contentType?: string; readonly size?: number };

/** `Image/PNG; charset=binary` -> `image/png`; `undefined` for a missing or blank header. */
export function normalizeContentType(raw: string | undefined): string | undefined {
  const mediaType = raw?.split(";")[0]?.trim().toLowerCase();
  return mediaType ? mediaType : undefined;
}

/** Validates an upload: content type from HeadObject, size from the event record. */
export function validateUpload(rawContentType: string | undefined, size: number | undefined): UploadVerdict {
  const contentType = normalizeContentType(rawContentType);
  if (contentType === undefined || !ACCEPTED_CONTENT_TYPES.has(contentType)) {
    return { accepted: false, reason: "unsupported-content-type", contentType, size };
  }
  if (size === undefined || !Number.isSafeInteger(size) || size < 0) return { accepted: false, reason: "unknown-size", contentType };
  if (size === 0) return { accepted: false, reason: "empty-object", contentType, size };
  if (size > MAX_AVATAR_BYTES) return { accepted: false, reason: "too-large", contentType, size };
  return { accepted: true, contentType, size };
}
