import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unzipSync } from "fflate";
import { BundleOptions, bundleNodejsFunction, clearBundleCache } from "../../constructs/bundle";
import { manifestPath } from "../../constructs/bundle-cache";

const ROOT = path.resolve(__dirname, "../..");

/**
 * The on-disk cache (`<outDir>.manifest.json`): a new process reuses the zip only while nothing
 * that went into it changed. `clearBundleCache("memory")` makes the next call behave like a new process.
 */
describe("bundleNodejsFunction's on-disk cache", () => {
  let tmp: string;
  const fixture = (name: string): BundleOptions => {
    const src = path.join(ROOT, "__tests__/fixtures/functions/hello");
    const dest = path.join(tmp, name, "src");
    fs.mkdirSync(dest, { recursive: true });
    for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dest, f));
    // Unminified: the cache does not depend on the minifier, and SWC would only make the test slower.
    return { entry: "src/index.ts", name: "hello", projectRoot: path.join(tmp, name), minify: false };
  };
  const newProcess = () => clearBundleCache("memory");
  const zipIndexJs = (zipPath: string) => Buffer.from(unzipSync(fs.readFileSync(zipPath))["index.js"]).toString();

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-test-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  afterEach(() => newProcess());

  it("reuses the zip in a new process without bundling, with the same hash and files", () => {
    const options = fixture("reuse");
    const built = bundleNodejsFunction(options);
    expect(built.cached).toBe(false);
    expect(fs.existsSync(manifestPath(built.directory))).toBe(true);
    const zipMtime = fs.statSync(built.zipPath).mtimeMs;
    newProcess();
    const reused = bundleNodejsFunction(options);
    expect(reused.cached).toBe(true);
    expect(reused).toEqual({ ...built, cached: true });
    expect(fs.statSync(reused.zipPath).mtimeMs).toBe(zipMtime); // not rewritten
  });

  it("still reuses it after a touch or checkout that leaves the contents as they were", () => {
    const options = fixture("touch");
    const built = bundleNodejsFunction(options);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(options.projectRoot!, "src/greeting.ts"), later, later);
    newProcess();
    expect(bundleNodejsFunction(options)).toMatchObject({ cached: true, sourceCodeHash: built.sourceCodeHash });
  });

  it("rebuilds when an imported file changes, and the zip's index.js is the new code", () => {
    const options = fixture("change");
    const before = bundleNodejsFunction(options);
    const greeting = path.join(options.projectRoot!, "src/greeting.ts");
    fs.writeFileSync(greeting, fs.readFileSync(greeting, "utf8").replace("hello", "howdy"));
    newProcess();
    const after = bundleNodejsFunction(options);
    expect(after.cached).toBe(false);
    expect(after.sourceCodeHash).not.toBe(before.sourceCodeHash);
    expect(zipIndexJs(after.zipPath)).toContain("howdy");
    expect(fs.readFileSync(after.scriptPath, "utf8")).toBe(zipIndexJs(after.zipPath));
  });

  it("rebuilds when a new file changes how an import resolves", () => {
    const options = fixture("resolution");
    bundleNodejsFunction(options);
    // esbuild prefers greeting.tsx to greeting.ts for `./greeting`
    fs.writeFileSync(path.join(options.projectRoot!, "src/greeting.tsx"), 'export const greeting = (name: string): string => `hi, ${name}`;\n');
    newProcess();
    const after = bundleNodejsFunction(options);
    expect(after.cached).toBe(false);
    expect(after.inputs).toContain("src/greeting.tsx");
  });

  it("rebuilds an output that was edited or deleted, so index.js always matches the zip", () => {
    const options = fixture("outputs");
    const built = bundleNodejsFunction(options);
    fs.appendFileSync(built.scriptPath, "\n// edited by hand\n");
    newProcess();
    const repaired = bundleNodejsFunction(options);
    expect(repaired.cached).toBe(false);
    expect(fs.readFileSync(repaired.scriptPath, "utf8")).toBe(zipIndexJs(repaired.zipPath));

    fs.rmSync(repaired.zipPath);
    newProcess();
    expect(bundleNodejsFunction(options).cached).toBe(false);
    expect(fs.existsSync(repaired.zipPath)).toBe(true);
  });

  it("does not reuse a build made with other options", () => {
    const options = fixture("options");
    const plain = bundleNodejsFunction(options);
    newProcess();
    const minified = bundleNodejsFunction({ ...options, minify: true });
    expect(minified.cached).toBe(false);
    expect(minified.sourceCodeHash).not.toBe(plain.sourceCodeHash);
  });

  it("ignores a manifest it cannot read", () => {
    const options = fixture("corrupt");
    const built = bundleNodejsFunction(options);
    fs.writeFileSync(manifestPath(built.directory), "{not json");
    newProcess();
    expect(bundleNodejsFunction(options)).toMatchObject({ cached: false, sourceCodeHash: built.sourceCodeHash });
  });
});
