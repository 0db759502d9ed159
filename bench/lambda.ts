/**
 * Lambda measurements: bundle size (zipped, unzipped), module init in a fresh Node process, and
 * time per event against dynalite + s3rver (bench/handler.ts) — for the bundle that is deployed
 * (esbuild + SWC, SDK bundled) and for two alternatives, to back the bundling decisions.
 */
import { buildSync } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { unzipSync } from "fflate";
import { bundleNodejsFunction, deterministicZip } from "../constructs/bundle";
import { progress, round, ROOT, runChecked, stats, Stats, TMP } from "./measure";

const ENTRY = join(ROOT, "functions", "profile-updater", "index.ts");
const OUT = join(TMP, "lambda");

interface Variant {
  readonly name: string;
  readonly description: string;
  readonly scriptPath: string;
  readonly zipPath: string;
}

export interface VariantResult {
  readonly description: string;
  readonly indexJsBytes: number;
  readonly unzippedBytes: number;
  readonly zippedBytes: number;
  /** performance.now() around require() of index.js in a fresh process, ms. */
  readonly initMs: Stats;
  /** Whole `node -e require(...)` process minus an empty `node -e 0`, ms (medians). */
  readonly processOverEmptyMs: number;
}

export interface LambdaResults {
  readonly variants: Record<string, VariantResult>;
  readonly emptyNodeMs: Stats;
  readonly perEvent: {
    readonly module: string;
    readonly handlerMs: Stats;
    readonly rawUpdateItemPlusHeadObjectMs: Stats;
    readonly ratio: Stats;
    readonly rawSameConditionalUpdateMs: Stats;
    readonly ratioToSameRequests: Stats;
  };
}

/** The alternatives: the deployed build, the SDK left to the runtime, esbuild's minifier alone. */
function buildVariants(): Variant[] {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const deployed = bundleNodejsFunction({ entry: ENTRY, name: "bench-deployed", outDir: join(OUT, "deployed") });
  const external = bundleNodejsFunction({ entry: ENTRY, name: "bench-external", outDir: join(OUT, "sdk-external"), externalModules: ["@aws-sdk/*"] });
  // What the build was before SWC: esbuild's own minifier (identifiers, syntax, whitespace).
  const esbuildDir = join(OUT, "esbuild-minify");
  mkdirSync(esbuildDir, { recursive: true });
  const result = buildSync({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    outfile: join(ROOT, "index.js"),
    write: false,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "silent",
    charset: "utf8",
  });
  const files = new Map(result.outputFiles.map((f) => [f.path.endsWith(".map") ? "index.js.map" : "index.js", f.contents]));
  for (const [name, contents] of files) writeFileSync(join(esbuildDir, name), contents);
  writeFileSync(`${esbuildDir}.zip`, deterministicZip(files));
  return [
    { name: "deployed", description: "SDK bundled, esbuild + SWC minify (deployed)", scriptPath: deployed.scriptPath, zipPath: deployed.zipPath },
    { name: "esbuildMinify", description: "SDK bundled, esbuild minify only (before)", scriptPath: join(esbuildDir, "index.js"), zipPath: `${esbuildDir}.zip` },
    { name: "sdkExternal", description: "SDK external (@aws-sdk/* from node_modules here, the runtime's on Lambda)", scriptPath: external.scriptPath, zipPath: external.zipPath },
  ];
}

const INIT_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  PROFILE_TABLE_NAME: "profiles",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  NODE_OPTIONS: "",
};

function initScript(scriptPath: string): string {
  return `const t=performance.now();const m=require(${JSON.stringify(scriptPath)});const ms=performance.now()-t;` +
    `if(typeof m.handler!=="function")throw new Error("no handler");process.stdout.write(JSON.stringify({ms}))`;
}

async function measureInit(variants: Variant[], runs: number): Promise<{ init: Record<string, number[]>; wall: Record<string, number[]> }> {
  const init: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  const wall: Record<string, number[]> = { empty: [], ...Object.fromEntries(variants.map((v) => [v.name, []])) };
  for (let i = -1; i < runs; i += 1) {
    const empty = await runChecked({ command: process.execPath, args: ["-e", "0"], env: INIT_ENV });
    if (i >= 0) wall.empty.push(empty.seconds * 1000);
    for (const v of variants) {
      const r = await runChecked({ command: process.execPath, args: ["-e", initScript(v.scriptPath)], env: INIT_ENV });
      if (i < 0) continue; // warm-up round (page cache)
      init[v.name].push((JSON.parse(r.stdout) as { ms: number }).ms);
      wall[v.name].push(r.seconds * 1000);
    }
  }
  return { init, wall };
}

interface HandlerRun {
  handlerMedianMs: number;
  rawHeadObjectPlusUpdateItemMedianMs: number;
  ratio: number;
  rawWithHandlerConditionMedianMs: number;
  ratioToSameRequests: number;
}

async function measurePerEvent(scriptPath: string, runs: number, events: number): Promise<LambdaResults["perEvent"]> {
  const samples: HandlerRun[] = [];
  const hook = join(ROOT, "scripts", "ts-hook.js");
  for (let i = 0; i < runs; i += 1) {
    const r = await runChecked({ command: process.execPath, args: ["--require", hook, "bench/handler.ts", "--events", String(events), "--module", scriptPath] });
    const sample = JSON.parse(r.stdout) as HandlerRun;
    samples.push(sample);
    progress(`per event #${i + 1}: handler ${sample.handlerMedianMs} ms, raw ${sample.rawHeadObjectPlusUpdateItemMedianMs} ms, ratio ${sample.ratio}`);
  }
  const of = (pick: (s: HandlerRun) => number) => stats(samples.map(pick));
  return {
    module: scriptPath.replace(`${ROOT}/`, ""),
    handlerMs: of((s) => s.handlerMedianMs),
    rawUpdateItemPlusHeadObjectMs: of((s) => s.rawHeadObjectPlusUpdateItemMedianMs),
    ratio: of((s) => s.ratio),
    rawSameConditionalUpdateMs: of((s) => s.rawWithHandlerConditionMedianMs),
    ratioToSameRequests: of((s) => s.ratioToSameRequests),
  };
}

export async function benchLambda(options: { initRuns: number; eventRuns: number; events: number }): Promise<LambdaResults> {
  progress("lambda: building the variants");
  const variants = buildVariants();
  progress(`lambda: init, ${options.initRuns} fresh processes per variant`);
  const { init, wall } = await measureInit(variants, options.initRuns);
  const emptyNodeMs = stats(wall.empty);
  const results: Record<string, VariantResult> = {};
  for (const v of variants) {
    const zip = readFileSync(v.zipPath);
    const entries = unzipSync(zip);
    results[v.name] = {
      description: v.description,
      indexJsBytes: readFileSync(v.scriptPath).byteLength,
      unzippedBytes: Object.values(entries).reduce((n, f) => n + f.byteLength, 0),
      zippedBytes: zip.byteLength,
      initMs: stats(init[v.name]),
      processOverEmptyMs: round(stats(wall[v.name]).median - emptyNodeMs.median, 1),
    };
  }
  progress(`lambda: per event, ${options.eventRuns} runs of ${options.events} events`);
  const perEvent = await measurePerEvent(variants[0].scriptPath, options.eventRuns, options.events);
  return { variants: results, emptyNodeMs, perEvent };
}
