import type { Zippable } from "fflate";
import * as fs from "fs";
import * as path from "path";

/**
 * The build step behind bundleNodejsFunction: esbuild bundles (tree-shaken, ESM builds of the AWS
 * SDK first), SWC minifies, fflate zips. Each tool is loaded only when a build really runs, so a
 * synth that reuses the cached bundle loads none of them.
 *
 * Why SWC after esbuild (measured on the profile-updater, see bench/README.md): esbuild's own
 * minifier keeps every statement it cannot prove side-effect free, e.g. the SDK's schema arrays
 * with computed keys (`{ [_e]: _c }`), so all of S3's operation schemas stay in the bundle; SWC's
 * compressor propagates those constants and drops the unused schemas. The bundle loads ~30% faster
 * (Lambda init) and is smaller than with esbuild's minifier alone.
 */

export interface CompileOptions {
  readonly entry: string;
  readonly projectRoot: string;
  readonly externalModules: readonly string[];
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly target: string;
}

export interface Compiled {
  /** index.js (and index.js.map) contents. */
  readonly files: Map<string, Uint8Array>;
  /** Source files esbuild read, relative to the project root, sorted. */
  readonly inputs: string[];
}

const SOURCE_MAP_COMMENT = "//# sourceMappingURL=index.js.map\n";

export function compile(options: CompileOptions): Compiled {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  let result: import("esbuild").BuildResult<{ write: false; metafile: true }> & { outputFiles: import("esbuild").OutputFile[] };
  try {
    result = esbuild.buildSync({
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
      // Minified by SWC below (esbuild's minifier would only get in the way of SWC's).
      minify: false,
      sourcemap: options.sourceMap ? (options.minify ? "external" : "linked") : false,
      sourcesContent: false,
      legalComments: "none",
      external: [...options.externalModules],
      metafile: true,
      logLevel: "silent",
      charset: "utf8",
    });
  } finally {
    stopSoon(esbuild);
  }
  const files = new Map<string, Uint8Array>();
  for (const out of result.outputFiles) files.set(path.basename(out.path), out.contents);
  if (options.minify) minifyInPlace(files);
  return { files, inputs: Object.keys(result.metafile.inputs).sort() };
}

let stopTimer: NodeJS.Timeout | undefined;

/**
 * Stops esbuild's service (a worker thread and a child process) once no build followed for a
 * moment: builds in a row share it (starting it costs ~0.1 s), and none is left behind in a
 * long-lived process such as a jest worker, which loads its own copy of esbuild for every test
 * file (one more service each) and has 0.5 s to exit when the run ends.
 */
function stopSoon(esbuild: typeof import("esbuild")): void {
  if (stopTimer) clearTimeout(stopTimer);
  stopTimer = setTimeout(() => void esbuild.stop(), 200);
  stopTimer.unref();
}

/** SWC minify of index.js, with its source map chained onto esbuild's (same root-relative sources). */
function minifyInPlace(files: Map<string, Uint8Array>): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require("@swc/core") as typeof import("@swc/core");
  const decoder = new TextDecoder();
  const code = decoder.decode(files.get("index.js"));
  const inputMap = files.has("index.js.map") ? decoder.decode(files.get("index.js.map")) : undefined;
  const options = {
    compress: { toplevel: true, passes: 2 },
    mangle: { toplevel: true },
    ecma: 2022,
    module: false,
    format: { comments: false },
    // The terser-style { content } form chains the input map; swc's typings only declare a boolean.
    sourceMap: inputMap === undefined ? false : { content: inputMap },
  } as unknown as import("@swc/core").JsMinifyOptions;
  const output = swc.minifySync(code, options);
  const encoder = new TextEncoder();
  if (inputMap === undefined || output.map === undefined) {
    files.set("index.js", encoder.encode(`${output.code}\n`));
    return;
  }
  const map = JSON.parse(output.map) as { file?: string; sourcesContent?: unknown };
  delete map.sourcesContent;
  map.file = "index.js";
  files.set("index.js", encoder.encode(`${output.code}\n${SOURCE_MAP_COMMENT}`));
  files.set("index.js.map", encoder.encode(JSON.stringify(map)));
}

/** Fixed zip entry timestamp (earliest DOS date). fflate reads local-time fields, so build it in local time. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** Unix regular file, rw-r--r-- (Lambda runs the code as another user: it must be world-readable). */
const ZIP_FILE_ATTRS = (0o100644 << 16) >>> 0;
const ZIP_OS_UNIX = 3;
const ZIP_LEVEL = 9;

/** Zip with sorted entries, fixed timestamp, fixed permissions, fixed compression level. */
export function deterministicZip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { zipSync } = require("fflate") as typeof import("fflate");
  const entries: Zippable = {};
  for (const name of [...files.keys()].sort()) {
    entries[name] = [files.get(name)!, { mtime: ZIP_MTIME, attrs: ZIP_FILE_ATTRS, os: ZIP_OS_UNIX, level: ZIP_LEVEL }];
  }
  return zipSync(entries);
}

/** Versions of the tools whose output ends up in the zip (part of the on-disk cache key). */
export function toolVersions(): Record<string, string> {
  return { esbuild: packageVersion("esbuild"), swc: packageVersion("@swc/core"), fflate: packageVersion("fflate") };
}

/** The installed version, found like Node finds the package folder (not every package exports its package.json). */
function packageVersion(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "node_modules", name, "package.json");
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version ?? "?";
    if (path.dirname(dir) === dir) return "?";
  }
}
