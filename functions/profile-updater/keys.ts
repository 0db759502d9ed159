/**
 * Object keys of profile pictures: `profile-pictures/<userId>/<fileName>` (contract, see DESIGN.md).
 * S3 event notifications carry keys URL-encoded the way HTML forms are (`+` for a space, `%XX` for
 * other bytes), so a key is decoded before it is parsed or used in an S3 call.
 */
export const PROFILE_PICTURES_PREFIX = "profile-pictures/";

export interface ProfileKey {
  readonly userId: string;
  readonly fileName: string;
}

export type KeyParseResult =
  | ({ readonly ok: true } & ProfileKey)
  | { readonly ok: false; readonly reason: KeySkipReason };

export type KeySkipReason = "other-prefix" | "missing-user-id" | "dot-user-id" | "missing-file-name" | "folder-marker";

/** Decodes a key from an S3 event record; `undefined` when it is not valid percent-encoding. */
export function decodeEventKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, "%20"));
  } catch {
    return undefined;
  }
}

/**
 * Splits a decoded key into userId (the first segment after the prefix) and fileName (the rest).
 * A key ending in `/` is a folder marker, not a picture. `.` and `..` are not user ids: a path
 * built from one would point at the prefix itself or outside it.
 */
export function parseProfileKey(key: string): KeyParseResult {
  if (!key.startsWith(PROFILE_PICTURES_PREFIX)) return { ok: false, reason: "other-prefix" };
  const rest = key.slice(PROFILE_PICTURES_PREFIX.length);
  const slash = rest.indexOf("/");
  const userId = slash < 0 ? rest : rest.slice(0, slash);
  if (userId === "") return { ok: false, reason: "missing-user-id" };
  if (userId === "." || userId === "..") return { ok: false, reason: "dot-user-id" };
  const fileName = slash < 0 ? "" : rest.slice(slash + 1);
  if (fileName === "") return { ok: false, reason: "missing-file-name" };
  if (fileName.endsWith("/")) return { ok: false, reason: "folder-marker" };
  return { ok: true, userId, fileName };
}
