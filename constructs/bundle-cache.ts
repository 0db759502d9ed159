import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * On-disk cache of a function bundle: `<outDir>.manifest.json` next to `<outDir>.zip`, e.g.
 * `.build/functions/profile-updater.manifest.json`. A new process (every `cdktf synth`, every jest
 * file) reuses the zip instead of running esbuild again, while nothing that went into it changed:
 *
 * - the key: bundle options (entry, externals, minify, source map, target, output folder) and the
 *   versions of esbuild, SWC and fflate;
 * - every input esbuild read (sources and node_modules files) by content: size and mtime first,
 *   and a hash of the contents when the mtime differs (a touched or checked-out file with the same
 *   bytes is still a hit), plus package-lock.json (dependencies changed);
 * - the listing of each project folder holding an input (a new file could change how an import
 *   resolves, e.g. `./greeting` -> a new `greeting.tsx`);
 * - the outputs: index.js, index.js.map and the zip, checked the same way (an edited or deleted
 *   output is rebuilt, so index.js is always the zip's index.js).
 *
 * Anything unreadable or different is a miss: the bundle is rebuilt and the manifest rewritten.
 */

/** [size, mtimeMs, content hash]: compact, as a manifest holds ~1000 of them (the SDK's files). */
export type Stamp = readonly [number, number, string];
export type Stamps = Record<string, Stamp>;

/** What the bundle reports about itself, stored so that a cache hit reads no output bytes. */
export interface BuildInfo {
  readonly sourceCodeHash: string;
  readonly scriptBytes: number;
  readonly sourceMapBytes: number;
  readonly zipBytes: number;
  readonly hasSourceMap: boolean;
  readonly inputs: readonly string[];
  readonly buildMs: number;
}

export interface CacheManifest {
  readonly version: 2;
  readonly key: string;
  /** Project-root-relative path -> stamp, for every input and package-lock.json. */
  readonly inputs: Stamps;
  /** Project folder (root-relative) holding an input -> its sorted entries. */
  readonly listings: Record<string, string[]>;
  /** Absolute path of index.js, index.js.map and the zip -> stamp. */
  readonly outputs: Stamps;
  readonly build: BuildInfo;
}

const LOCKFILE = "package-lock.json";

export const manifestPath = (outDir: string): string => `${outDir}.manifest.json`;

/** Content hash for change detection (not security): SHA-256, base64url, first 22 characters. */
const hashOf = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("base64url").slice(0, 22);

const inNodeModules = (input: string): boolean => input.startsWith("node_modules/") || input.includes("/node_modules/");

function stampOf(file: string): Stamp {
  const stat = fs.statSync(file);
  return [stat.size, stat.mtimeMs, hashOf(fs.readFileSync(file))];
}

/** Stamps of the inputs esbuild read, plus the lockfile when there is one. */
export function stampInputs(root: string, inputs: readonly string[]): Stamps {
  const tracked = fs.existsSync(path.join(root, LOCKFILE)) ? [...inputs, LOCKFILE] : inputs;
  return Object.fromEntries(tracked.map((input) => [input, stampOf(path.resolve(root, input))]));
}

export function stampOutputs(files: readonly string[]): Stamps {
  return Object.fromEntries(files.map((file) => [file, stampOf(file)]));
}

/** The project folders holding inputs (not node_modules: the lockfile and the stamps cover those). */
export function listFolders(root: string, inputs: readonly string[]): Record<string, string[]> {
  const listings: Record<string, string[]> = {};
  for (const input of inputs) {
    const dir = path.posix.dirname(input.split(path.sep).join("/"));
    if (inNodeModules(input) || dir.startsWith("..") || listings[dir]) continue;
    listings[dir] = readdir(path.resolve(root, dir));
  }
  return listings;
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Whether every stamped file still has its contents: equal size and mtime, or equal size and hash
 * (then `refreshed` gets the new stamp, so that the next check is a stat again).
 */
function verify(stamps: Stamps, resolveFile: (name: string) => string, refreshed: Stamps | undefined, skip?: (name: string) => boolean): boolean {
  // `refreshed` undefined: stat only (a changed mtime counts as a change).
  for (const [name, [size, mtimeMs, hash]] of Object.entries(stamps)) {
    if (skip?.(name)) continue;
    const file = resolveFile(name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return false;
    }
    if (stat.size !== size) return false;
    if (stat.mtimeMs === mtimeMs) continue;
    if (!refreshed || hashOf(fs.readFileSync(file)) !== hash) return false;
    refreshed[name] = [size, stat.mtimeMs, hash];
  }
  return true;
}

/**
 * Quick check (stat only) for a bundle this process already built or verified: its outputs and the
 * project's own inputs and lockfile, not every node_modules file (hundreds of stats; dependencies
 * do not change under a running synth, and a new process checks them all).
 */
export function stillValid(root: string, manifest: CacheManifest): boolean {
  return verify(manifest.outputs, (file) => file, undefined) && verify(manifest.inputs, (input) => path.resolve(root, input), undefined, inNodeModules);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The manifest for `outDir` if it has this key and every input, folder and output is unchanged. */
export function readCache(root: string, outDir: string, key: string): CacheManifest | undefined {
  const manifest = readJson(manifestPath(outDir)) as CacheManifest | undefined;
  if (manifest?.version !== 2 || manifest.key !== key) return undefined;
  const inputs: Stamps = {};
  const outputs: Stamps = {};
  if (!verify(manifest.inputs, (input) => path.resolve(root, input), inputs)) return undefined;
  if (!verify(manifest.outputs, (file) => file, outputs)) return undefined;
  for (const [dir, entries] of Object.entries(manifest.listings)) {
    if (readdir(path.resolve(root, dir)).join("\0") !== entries.join("\0")) return undefined;
  }
  if (Object.keys(inputs).length + Object.keys(outputs).length === 0) return manifest;
  const current: CacheManifest = { ...manifest, inputs: { ...manifest.inputs, ...inputs }, outputs: { ...manifest.outputs, ...outputs } };
  writeManifest(outDir, current); // next time a stat per file suffices
  return current;
}

export function writeManifest(outDir: string, manifest: CacheManifest): void {
  const file = manifestPath(outDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest));
  fs.renameSync(tmp, file); // atomic: a concurrent reader never sees half a manifest
}

export function removeManifest(outDir: string): void {
  fs.rmSync(manifestPath(outDir), { force: true });
}
