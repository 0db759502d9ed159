import { createHash } from "crypto";
import { buildSync } from "esbuild";
import { zipSync, Zippable } from "fflate";
import * as fs from "fs";
import * as path from "path";

/**
 * Synth-time bundling of a Lambda handler: esbuild (in memory) -> index.js + index.js.map ->
 * a deterministic zip, the same bytes on every machine and every run for the same sources.
 *
 * Deterministic because: esbuild runs with `write: false` and `absWorkingDir` = project root and a
 * virtual outfile at that root, so source-map paths are root-relative ("functions/x/index.ts");
 * `sourcesContent` is off; the zip (fflate, pinned version, fixed level) has sorted entries, a
 * fixed DOS timestamp (1980-01-01 00:00, local fields so any TZ writes the same) and fixed Unix
 * permissions 0644. File mtimes, the checkout path and the clock never reach the bytes.
 */

export interface BundleOptions {
  /** The handler source (.ts/.js). Relative paths are relative to `projectRoot`. */
  readonly entry: string;
  /**
   * Output folder under `<projectRoot>/.build/functions/`. Default: the entry's path relative to
   * the project root without extension, leading `functions/` and trailing `/index`
   * (functions/profile-updater/index.ts -> `.build/functions/profile-updater/`).
   */
  readonly name?: string;
  /** Root for `absWorkingDir` and source-map paths. Default: the nearest folder with cdktf.json above the entry (or above cwd for a relative entry). */
  readonly projectRoot?: string;
  /** Where index.js(.map) are written; the zip goes next to it as `<outDir>.zip`. */
  readonly outDir?: string;
  /** Module specifiers left out of the bundle (resolved by the runtime), e.g. ["@aws-sdk/*"]. Default none. */
  readonly externalModules?: readonly string[];
  /** Default true. */
  readonly minify?: boolean;
  /** Emit index.js.map (mappings only, no sources content). Default true. */
  readonly sourceMap?: boolean;
  /** esbuild target. Default "node22" (the nodejs22.x runtime). */
  readonly target?: string;
}

export interface Bundle {
  /** Folder holding exactly the files that went into the zip (index.js, index.js.map). */
  readonly directory: string;
  /** `<directory>/index.js`: the file a test can `require`. */
  readonly scriptPath: string;
  readonly sourceMapPath?: string;
  /** The deterministic zip (`<directory>.zip`). */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip: Terraform's `filebase64sha256`, i.e. Lambda's `source_code_hash`. */
  readonly sourceCodeHash: string;
  readonly scriptBytes: number;
  readonly sourceMapBytes: number;
  readonly zipBytes: number;
  /** Source files esbuild read, relative to the project root, sorted. */
  readonly inputs: readonly string[];
  /** Wall time of the esbuild + zip step that produced this bundle (ms). */
  readonly buildMs: number;
}

/** Fixed zip entry timestamp (earliest DOS date). fflate reads local-time fields, so build it in local time. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** Unix regular file, rw-r--r-- (Lambda runs the code as another user: it must be world-readable). */
const ZIP_FILE_ATTRS = (0o100644 << 16) >>> 0;
const ZIP_OS_UNIX = 3;
const ZIP_LEVEL = 9;

interface CacheEntry {
  readonly bundle: Bundle;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly zip: Uint8Array;
  /** (mtime, size) of every input at build time: the cache is valid while none changed. */
  readonly stamps: ReadonlyMap<string, string>;
}

const cache = new Map<string, CacheEntry>();
/** Which build (cache key) writes each output folder: two different builds must not share one. */
const owners = new Map<string, string>();

/**
 * Bundles and zips `options.entry`, writing the result under `.build/`. Memoized per process:
 * the same entry and options are built once, however many stacks use them, as long as no input
 * file changed since (checked by mtime and size; a touched but unchanged file rebuilds to the
 * same bytes).
 */
export function bundleNodejsFunction(options: BundleOptions): Bundle {
  const resolved = resolveOptions(options);
  const key = JSON.stringify(resolved);
  const owner = owners.get(resolved.outDir);
  if (owner !== undefined && owner !== key) {
    throw new Error(`${resolved.outDir} is already the output of another build (${owner}); give this bundle another name`);
  }
  owners.set(resolved.outDir, key);
  const hit = cache.get(key);
  if (hit && inputsUnchanged(resolved.projectRoot, hit.stamps)) {
    writeOutputs(hit.bundle, hit.files, hit.zip); // cheap no-op unless someone deleted .build
    return hit.bundle;
  }
  const entry = build(resolved);
  cache.set(key, entry);
  return entry.bundle;
}

/** Forgets memoized bundles (tests that must really rebuild). */
export function clearBundleCache(): void {
  cache.clear();
  owners.clear();
}

/** base64 SHA-256, as Terraform's filebase64sha256 and Lambda's CodeSha256. */
export function base64Sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

type ResolvedOptions = Required<Omit<BundleOptions, "externalModules">> & { externalModules: string[] };

/** Relative folder names: segments of [A-Za-z0-9._-] that do not start with a dot (no "..", no hidden folders). */
const BUNDLE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

function resolveOptions(options: BundleOptions): ResolvedOptions {
  const projectRoot = path.resolve(
    options.projectRoot ??
      (path.isAbsolute(options.entry) ? findProjectRoot(path.dirname(options.entry)) : findProjectRoot(process.cwd())),
  );
  const entry = path.resolve(projectRoot, options.entry);
  if (!fs.existsSync(entry)) throw new Error(`bundle entry ${entry} does not exist`);
  const name = options.name ?? defaultName(projectRoot, entry);
  if (!BUNDLE_NAME.test(name)) {
    throw new Error(`bundle name "${name}" must be a relative folder name ([A-Za-z0-9._-] segments); pass a name for an entry outside the project`);
  }
  return {
    entry,
    name,
    projectRoot,
    outDir: path.resolve(options.outDir ?? path.join(projectRoot, ".build", "functions", name)),
    externalModules: [...(options.externalModules ?? [])].sort(),
    minify: options.minify ?? true,
    sourceMap: options.sourceMap ?? true,
    target: options.target ?? "node22",
  };
}

function defaultName(projectRoot: string, entry: string): string {
  const relative = path.relative(projectRoot, entry).split(path.sep).join("/");
  return relative
    .replace(/\.[cm]?[jt]sx?$/, "")
    .replace(/\/index$/, "")
    .replace(/^functions\//, "");
}

function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "cdktf.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no cdktf.json above ${from}: pass projectRoot`);
  }
}

function build(options: ResolvedOptions): CacheEntry {
  const started = performance.now();
  let result: ReturnType<typeof esbuild>;
  try {
    result = esbuild(options);
  } catch (error) {
    throw new Error(`bundling ${path.relative(options.projectRoot, options.entry)} failed: ${(error as Error).message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const out of result.outputFiles) files.set(path.basename(out.path), out.contents);
  const zip = deterministicZip(files);
  const inputs = Object.keys(result.metafile.inputs).sort();
  const directory = options.outDir;
  const bundle: Bundle = {
    directory,
    scriptPath: path.join(directory, "index.js"),
    sourceMapPath: files.has("index.js.map") ? path.join(directory, "index.js.map") : undefined,
    zipPath: `${directory}.zip`,
    sourceCodeHash: base64Sha256(zip),
    scriptBytes: files.get("index.js")?.byteLength ?? 0,
    sourceMapBytes: files.get("index.js.map")?.byteLength ?? 0,
    zipBytes: zip.byteLength,
    inputs,
    buildMs: 0,
  };
  writeOutputs(bundle, files, zip);
  const stamped = { ...bundle, buildMs: Math.round(performance.now() - started) };
  return { bundle: stamped, files, zip, stamps: stampInputs(options.projectRoot, inputs) };
}

function esbuild(options: ResolvedOptions) {
  return buildSync({
    entryPoints: [options.entry],
    absWorkingDir: options.projectRoot,
    // Virtual output at the project root (nothing is written there: write=false): source-map
    // "sources" become root-relative, independent of where the bundle is later written.
    outfile: path.join(options.projectRoot, "index.js"),
    write: false,
    bundle: true,
    platform: "node",
    target: options.target,
    format: "cjs",
    // ESM builds first: the AWS SDK v3 ships dist-es, which tree-shakes far better than dist-cjs.
    mainFields: ["module", "main"],
    minify: options.minify,
    sourcemap: options.sourceMap ? "linked" : false,
    sourcesContent: false,
    external: options.externalModules,
    metafile: true,
    logLevel: "silent",
    charset: "utf8",
  });
}

/** Zip with sorted entries, fixed timestamp, fixed permissions, fixed compression level. */
export function deterministicZip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const entries: Zippable = {};
  for (const name of [...files.keys()].sort()) {
    entries[name] = [files.get(name)!, { mtime: ZIP_MTIME, attrs: ZIP_FILE_ATTRS, os: ZIP_OS_UNIX, level: ZIP_LEVEL }];
  }
  return zipSync(entries);
}

/** Writes index.js(.map) and the zip, touching only files whose bytes differ (stable mtimes). */
function writeOutputs(bundle: Bundle, files: ReadonlyMap<string, Uint8Array>, zip: Uint8Array): void {
  fs.mkdirSync(bundle.directory, { recursive: true });
  for (const output of ["index.js", "index.js.map"]) {
    // e.g. the map of an earlier build with sourceMap on (other files, like another process's .tmp, stay)
    if (!files.has(output)) fs.rmSync(path.join(bundle.directory, output), { force: true });
  }
  for (const [name, contents] of files) writeIfChanged(path.join(bundle.directory, name), contents);
  writeIfChanged(bundle.zipPath, zip);
}

function writeIfChanged(file: string, contents: Uint8Array): void {
  try {
    if (Buffer.compare(fs.readFileSync(file), contents) === 0) return;
  } catch {
    // missing: write it
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file); // atomic: a concurrent reader never sees half a file
}

function stampInputs(root: string, inputs: readonly string[]): Map<string, string> {
  const stamps = new Map<string, string>();
  for (const input of inputs) stamps.set(input, stampOf(path.resolve(root, input)));
  return stamps;
}

function inputsUnchanged(root: string, stamps: ReadonlyMap<string, string>): boolean {
  for (const [input, stamp] of stamps) {
    if (stampOf(path.resolve(root, input)) !== stamp) return false;
  }
  return true;
}

function stampOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return "missing";
  }
}
