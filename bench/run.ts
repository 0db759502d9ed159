/**
 * `npm run bench [-- --only synth,cli,tests,lambda,web|report] [--runs N] [--markdown]`: the performance record.
 * Every measurement runs several times (interleaved with what it is compared to) and is reported
 * as min / median / max; results go to bench/results.json (sections not run are kept from the
 * previous record) and a table is printed. Scratch output goes to bench/tmp/ (gitignored).
 * Speed goals live here, never in jest assertions. See bench/README.md.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, platform, release, totalmem } from "os";
import { join } from "path";
import { parseArgs } from "util";
import { benchLambda } from "./lambda";
import { benchWeb } from "./web";
import { compare, peakRssKiB, progress, round, ROOT, rssProbeEnv, run, stats, Stats, TMP } from "./measure";
import { markdownTable, printTable } from "./report";

const RESULTS = join(ROOT, "bench", "results.json");
const APP = (JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app.split(" ");
const SOURCE_DIRS = ["main.ts", "stacks", "constructs", "policies", "environments"];

/** `require` of cdktf, constructs and every deep provider import the app's sources use. */
function bareRequireScript(): string {
  const files: string[] = [];
  const walk = (path: string): void => {
    const full = join(ROOT, path);
    if (path.endsWith(".ts")) files.push(full);
    else if (existsSync(full)) for (const entry of readdirSync(full)) walk(join(path, entry));
  };
  SOURCE_DIRS.forEach(walk);
  const modules = new Set<string>(["cdktf", "constructs"]);
  for (const file of files) {
    for (const m of readFileSync(file, "utf8").matchAll(/from "(@cdktf\/provider-aws\/lib\/[a-z0-9-]+)"/g)) modules.add(m[1]);
  }
  return [...modules].sort().map((m) => `require(${JSON.stringify(m)});`).join("");
}

const seconds = (values: number[]): Stats => stats(values);
const ratioOf = (a: Stats, b: Stats): number => round(a.median / b.median, 2);

async function benchSynth(runs: number) {
  const outdir = join(TMP, "synth-out");
  const app = { command: APP[0], args: APP.slice(1), env: { CDKTF_OUTDIR: outdir, OFFLINE_PLAN: "" } };
  const hasTsx = existsSync(join(ROOT, "node_modules", "tsx"));
  progress(`synth app: ${APP.join(" ")} vs bare require, ${runs} runs each`);
  const times = await compare(
    {
      app,
      bareRequire: { command: process.execPath, args: ["-e", bareRequireScript()] },
      ...(hasTsx ? { tsx: { ...app, command: process.execPath, args: ["--require", "tsx/cjs", "main.ts"] } } : {}),
    },
    runs,
  );
  const cold = await compare(
    {
      appCold: {
        ...app,
        before: () => {
          rmSync(join(ROOT, ".build", "ts-cache"), { recursive: true, force: true });
          const functions = join(ROOT, ".build", "functions");
          for (const f of existsSync(functions) ? readdirSync(functions).filter((n) => n.startsWith("profile-updater")) : []) {
            rmSync(join(functions, f), { recursive: true, force: true });
          }
        },
      },
    },
    Math.min(runs, 3),
    0,
  );
  const rss: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const dir = join(TMP, "rss");
    await run({ ...app, env: { ...app.env, ...rssProbeEnv(dir) } });
    rss.push(peakRssKiB(dir) / 1024);
  }
  const appStats = seconds(times.app);
  const bare = seconds(times.bareRequire);
  return {
    command: APP.join(" "),
    appSeconds: appStats,
    appColdSeconds: seconds(cold.appCold),
    bareRequireSeconds: bare,
    ratioToBareRequire: ratioOf(appStats, bare),
    ...(times.tsx ? { tsxSeconds: seconds(times.tsx), tsxRatioToBareRequire: ratioOf(seconds(times.tsx), bare) } : {}),
    peakRssMiB: stats(rss),
  };
}

async function benchCli(runs: number) {
  const cdktf = join(ROOT, "node_modules", ".bin", "cdktf");
  const env = { CHECKPOINT_DISABLE: "1", OFFLINE_PLAN: "" };
  progress(`cdktf synth vs the ts-node app, ${runs} runs each`);
  const times = await compare(
    {
      cdktfSynth: { command: cdktf, args: ["synth", "--output", join(TMP, "cli-out")], env },
      cdktfSynthTsNode: { command: cdktf, args: ["synth", "--app", "npx ts-node main.ts", "--output", join(TMP, "cli-ts-node")], env },
    },
    runs,
  );
  const synth = seconds(times.cdktfSynth);
  const tsNode = seconds(times.cdktfSynthTsNode);
  return { cdktfSynthSeconds: synth, tsNodeSeconds: tsNode, ratioToTsNode: ratioOf(synth, tsNode) };
}

function clearCaches(): void {
  rmSync(join(ROOT, ".build"), { recursive: true, force: true });
  rmSync(join(ROOT, "node_modules", ".cache"), { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, "node_modules", "jest", "bin", "jest"), "--clearCache"], { cwd: ROOT, stdio: "ignore" });
}

async function benchTests(runs: number) {
  const npm = (script: string) => ({ command: "npm", args: ["run", "-s", script], env: { CI: "true" } });
  const out: Record<string, unknown> = {};
  for (const [name, script] of [["unit", "test:unit"], ["full", "test"]] as const) {
    progress(`tests: npm run ${script}, 1 cold run (no .build, node_modules/.cache or jest cache) + ${runs} warm`);
    const cold = await compare({ [name]: { ...npm(script), before: clearCaches } }, 1, 0);
    const warm = await compare({ [name]: npm(script) }, runs, 0);
    out[name] = { command: `npm run ${script}`, coldSeconds: round(cold[name][0]), warmSeconds: seconds(warm[name]) };
  }
  return out;
}

function machine() {
  const terraform = (() => {
    try {
      return execFileSync("terraform", ["version"], { encoding: "utf8" }).split("\n")[0];
    } catch {
      return "not installed";
    }
  })();
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    ramGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    os: `${platform()} ${release()}`,
    terraform,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: "string" }, runs: { type: "string" }, markdown: { type: "boolean" } } });
  const sections = (values.only ?? "synth,cli,tests,lambda,web").split(",");
  if (sections.includes("report")) {
    // Only print the recorded results (e.g. `--only report --markdown` for bench/README.md).
    const recorded = JSON.parse(readFileSync(RESULTS, "utf8")) as Record<string, unknown>;
    printTable(recorded);
    if (values.markdown) process.stdout.write(`\n${markdownTable(recorded)}\n`);
    return;
  }
  const runs = values.runs ? Number(values.runs) : undefined;
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, "utf8")) as Record<string, unknown>) : {};
  const results: Record<string, unknown> = { ...previous, date: new Date().toISOString().slice(0, 10), machine: machine() };
  if (sections.includes("synth")) results.synth = await benchSynth(runs ?? 9);
  if (sections.includes("cli")) results.cli = await benchCli(runs ?? 3);
  if (sections.includes("tests")) results.tests = await benchTests(runs ?? 3);
  if (sections.includes("lambda")) results.lambda = await benchLambda({ initRuns: runs ?? 15, eventRuns: 3, events: 200 });
  if (sections.includes("web")) results.web = await benchWeb({ runs: runs ?? 3, durationSeconds: 5, uploadMiB: 200, connections: 50 });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  if (values.markdown) process.stdout.write(`\n${markdownTable(results)}\n`);
  process.stdout.write(`\nWrote ${RESULTS.replace(`${ROOT}/`, "")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
