import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BuildInfo, CacheManifest, listFolders, readCache, removeManifest, stampInputs, stampOutputs, stillValid, writeManifest } from "./bundle-cache";
import { compile, deterministicZip, toolVersions } from "./bundle-compile";

export { deterministicZip } from "./bundle-compile";

/**
 * Synth-time bundling of a Node.js entry (a Lambda handler, or the web app, whose index.js ships
 * as is: see PlatformStack): esbuild (in memory) -> SWC minify -> index.js + index.js.map -> a
 * deterministic zip, the same bytes on every machine and every run for the same sources
 * (bundle-compile.ts), reused across processes while nothing changed (bundle-cache.ts).
 *
 * Deterministic because: esbuild runs with `write: false` and `absWorkingDir` = project root and a
 * virtual outfile at that root, so source-map paths are root-relative ("functions/x/index.ts");
 * `sourcesContent` is off; SWC is deterministic for the same input and version; the zip (fflate, pinned version, fixed level) has sorted entries, a
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
  /** Minify with SWC after bundling (see bundle-compile.ts). Default true. */
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
  /** Wall time of the esbuild + minify + zip step that produced this bundle (ms), in an earlier process when `cached`. */
  readonly buildMs: number;
  /** True when reused from the on-disk cache (`<directory>.manifest.json`) rather than built by this process. */
  readonly cached: boolean;
}

interface CacheEntry {
  readonly bundle: Bundle;
  readonly manifest: CacheManifest;
}

const memory = new Map<string, CacheEntry>();
/** Which build (cache key) writes each output folder: two different builds must not share one. */
const owners = new Map<string, string>();
let tools: Record<string, string> | undefined;

/**
 * Bundles and zips `options.entry`, writing the result under `.build/`. Cached twice:
 * - per process: the same entry and options are built once, however many stacks use them, as long
 *   as the outputs and the project's input files are unchanged (mtime and size);
 * - on disk (`<outDir>.manifest.json`, see bundle-cache.ts): a new process reuses the zip while
 *   inputs (by content), tool versions and outputs are unchanged. A changed handler always rebuilds.
 */
export function bundleNodejsFunction(options: BundleOptions): Bundle {
  const resolved = resolveOptions(options);
  const key = JSON.stringify(resolved);
  const owner = owners.get(resolved.outDir);
  if (owner !== undefined && owner !== key) {
    throw new Error(`${resolved.outDir} is already the output of another build (${owner}); give this bundle another name`);
  }
  owners.set(resolved.outDir, key);
  const hit = memory.get(key);
  if (hit && stillValid(resolved.projectRoot, hit.manifest)) return hit.bundle;
  tools ??= toolVersions();
  const diskKey = JSON.stringify({ ...resolved, tools });
  const cached = readCache(resolved.projectRoot, resolved.outDir, diskKey);
  const entry = cached ? { manifest: cached, bundle: bundleOf(resolved, cached.build, true) } : build(resolved, diskKey);
  memory.set(key, entry);
  return entry.bundle;
}

/**
 * Forgets cached bundles, so that the next call really runs esbuild (tests). `"memory"` keeps the
 * on-disk manifests (the next call then behaves like a new process).
 */
export function clearBundleCache(scope: "all" | "memory" = "all"): void {
  if (scope === "all") for (const outDir of owners.keys()) removeManifest(outDir);
  memory.clear();
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

function bundleOf(options: ResolvedOptions, info: BuildInfo, cached: boolean): Bundle {
  const directory = options.outDir;
  return {
    directory,
    scriptPath: path.join(directory, "index.js"),
    sourceMapPath: info.hasSourceMap ? path.join(directory, "index.js.map") : undefined,
    zipPath: `${directory}.zip`,
    sourceCodeHash: info.sourceCodeHash,
    scriptBytes: info.scriptBytes,
    sourceMapBytes: info.sourceMapBytes,
    zipBytes: info.zipBytes,
    inputs: info.inputs,
    buildMs: info.buildMs,
    cached,
  };
}

function build(options: ResolvedOptions, diskKey: string): CacheEntry {
  const started = performance.now();
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(options);
  } catch (error) {
    throw new Error(`bundling ${path.relative(options.projectRoot, options.entry)} failed: ${(error as Error).message}`);
  }
  const { files, inputs } = compiled;
  const zip = deterministicZip(files);
  const info: BuildInfo = {
    sourceCodeHash: base64Sha256(zip),
    scriptBytes: files.get("index.js")?.byteLength ?? 0,
    sourceMapBytes: files.get("index.js.map")?.byteLength ?? 0,
    zipBytes: zip.byteLength,
    hasSourceMap: files.has("index.js.map"),
    inputs,
    buildMs: Math.round(performance.now() - started),
  };
  const bundle = bundleOf(options, info, false);
  writeOutputs(bundle, files, zip);
  const outputs = [bundle.scriptPath, ...(bundle.sourceMapPath ? [bundle.sourceMapPath] : []), bundle.zipPath];
  const manifest: CacheManifest = {
    version: 2,
    key: diskKey,
    inputs: stampInputs(options.projectRoot, inputs),
    listings: listFolders(options.projectRoot, inputs),
    outputs: stampOutputs(outputs),
    build: info,
  };
  writeManifest(options.outDir, manifest);
  return { bundle, manifest };
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
