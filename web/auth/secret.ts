/**
 * The cookie-signing secret: read from SESSION_SECRET_FILE, or created there once (mode 0600,
 * created atomically so two processes starting at once agree on one secret). On EC2 the file is on
 * the data volume (/data/config), so it survives instance replacement.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MIN_LENGTH = 32;

export function loadOrCreateSecret(file: string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a private temporary file, then hard-linked into place: link() fails if the
  // file exists, so a concurrent reader never sees a half-written secret and the first one wins.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temporary);
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < MIN_LENGTH) {
    throw new Error(`SESSION_SECRET_FILE ${file} holds ${secret.length} characters; at least ${MIN_LENGTH} are required (delete it to have one created)`);
  }
  return secret;
}
