"use strict";
/**
 * Runs the project's TypeScript in Node without a type-check: `node --require ./scripts/ts-hook.js main.ts`
 * (the cdktf.json app command, the npm scripts and the tests' child processes). `npm test` type-checks
 * once with `tsc --noEmit`.
 *
 * Why not tsx or ts-node: tsx hooks every `require`, node_modules included, which doubles the cost of
 * loading cdktf and the provider classes (0.4 s -> 0.8 s); ts-node type-checks (seconds). This hook
 * handles `.ts` files only, and caches each file's transpiled JavaScript on disk, keyed by a hash of
 * its path, its contents and the compiler settings (esbuild version, tsconfig.json, this file). A warm
 * run never loads esbuild; a cold file costs one esbuild `transformSync` (the same transpiler as tsx).
 *
 * The semantics are tsx's: one CommonJS module per file at its real path (`__dirname`, dynamic
 * `require` of environment files and stack traces with .ts file names all work), `import` interop by
 * esbuild. Stack traces point into the TypeScript when source maps are on (`--enable-source-maps`):
 * every transpiled file carries an inline source map.
 *
 * Cache: `<project>/.build/ts-cache/` (gitignored; delete it at will), or TS_HOOK_CACHE_DIR.
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = process.env.TS_HOOK_CACHE_DIR || path.join(ROOT, ".build", "ts-cache");

/** Everything besides the source that changes the output. Computed once, from small files only. */
function compilerSalt() {
  const read = (file) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  const esbuildVersion = JSON.parse(read(require.resolve("esbuild/package.json")) || "{}").version;
  return [esbuildVersion, read(path.join(ROOT, "tsconfig.json")), read(__filename), process.version.split(".")[0]].join("\0");
}

/** compilerOptions of tsconfig.json (esbuild reads the ones that change emitted code). */
function compilerOptions() {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions || {};
  } catch {
    return {};
  }
}

let salt;
let esbuild;

function transpile(source, filename) {
  esbuild = esbuild || require("esbuild");
  const result = esbuild.transformSync(source, {
    loader: "ts",
    format: "cjs",
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcefile: filename,
    sourcemap: "inline",
    sourcesContent: false,
    tsconfigRaw: { compilerOptions: compilerOptions() },
  });
  return result.code;
}

function writeAtomically(file, contents) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file); // concurrent processes never read half a file
  } catch {
    // a read-only checkout still runs, just without the cache
  }
}

/** The JavaScript for one TypeScript file, from the cache or freshly transpiled. */
function compile(source, filename) {
  salt = salt === undefined ? compilerSalt() : salt;
  const key = crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE_DIR, key.slice(0, 2), `${key.slice(2)}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const code = transpile(source, filename);
    writeAtomically(cached, code);
    return code;
  }
}

function load(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
}

if (!Module._extensions[".ts"]) Module._extensions[".ts"] = load;

module.exports = { compile };
