/**
 * The data directory of `npm run local` (default `.local/`, gitignored): created with a marker
 * file, wiped by `--fresh` only when it carries that marker (never some other directory given by
 * mistake), and locked by a pid file while a runner uses it (two PGlite instances on one data
 * directory would corrupt it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MARKER = ".npm-run-local";
const LOCK = "runner.pid";

export class DataDirError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Deletes the directory (it must be one this runner created, or empty). */
export function wipeDataDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!existsSync(join(dir, MARKER)) && readdirSync(dir).length > 0) {
    throw new DataDirError(`--fresh: ${dir} was not created by npm run local (no ${MARKER} file in it); not deleting it`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Creates the directory if needed and takes its lock; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), "data of `npm run local`; delete the folder (or run with --fresh) to start over\n");
  const lock = join(dir, LOCK);
  try {
    writeFileSync(lock, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = Number(readFileSync(lock, "utf8"));
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new DataDirError(`${dir} is in use by another npm run local (pid ${owner}); stop it first or use --data-dir`);
    }
    writeFileSync(lock, String(process.pid)); // stale lock of a runner that was killed
  }
  return () => rmSync(lock, { force: true });
}
