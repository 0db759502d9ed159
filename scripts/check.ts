/**
 * `npm run check`: evaluates the guardrail rules (policies/) over every environment's stack and
 * prints, per stack, a table of rule id, resource address, verdict, then a summary line. Writes
 * the full report as JSON (default cdktf.out/guardrails.json). Exits 1 on any error-level violation.
 *
 *   npm run check                       synthesize in memory (no cdktf.out/stacks written)
 *   npm run check -- --from cdktf.out   evaluate an existing synth output instead
 *   npm run check -- --all              list passing checks too
 *   npm run check -- --json <file>      write the JSON report elsewhere
 *   npm run check -- --rules            print the rule catalogue (README table) as Markdown
 *   npm run check -- --bench [runs]     time the synth-time checks (median over runs, default 7)
 */
import Table from "cli-table3";
import type { TerraformStack } from "cdktf";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { dirname, join, resolve } from "path";
import { performance } from "perf_hooks";
import { EnvironmentConfig } from "../environments/config";
import { loadEnvironments } from "../environments/load";
import { ConfigError } from "../environments/validate";
import { EnvironmentRelaxations, jsonReport, rulesMarkdown } from "../policies/catalogue";
import { evaluateStack } from "../policies/engine";
import type { TerraformJson } from "../policies/model";
import type { Relaxation, StackReport } from "../policies/types";

interface Options {
  /** Only these environments (positional arguments); all when empty. */
  environments: string[];
  from?: string;
  json: string;
  all: boolean;
  rules: boolean;
  bench?: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { environments: [], json: join("cdktf.out", "guardrails.json"), all: false, rules: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === "--from") options.from = value();
    else if (arg === "--json") options.json = value();
    else if (arg === "--all") options.all = true;
    else if (arg === "--rules") options.rules = true;
    else if (arg === "--bench") options.bench = /^\d+$/.test(argv[i + 1] ?? "") ? Number(argv[++i]) : 7;
    else if (/^[a-z][a-z0-9]*$/.test(arg)) options.environments.push(arg);
    else usage(`unknown argument ${arg}`);
  }
  return options;
}

function usage(problem: string): never {
  process.stderr.write(`check: ${problem}\nusage: npm run check -- [<env> ...] [--from <cdktf.out>] [--all] [--json <file>] [--rules] [--bench [runs]]\n`);
  process.exit(2);
}

interface StackInput {
  readonly name: string;
  readonly relaxations: readonly Relaxation[];
  /** The environment's usage assumptions (cost guardrail). */
  readonly usage?: EnvironmentConfig["usage"];
  /** Resolves the stack JSON (in-memory synth) or reads it (cdktf.out). */
  readonly json: () => TerraformJson;
  /** The in-memory stack (not with --from). */
  readonly stack?: TerraformStack;
}

/** One input per environment stack, synthesized in memory like main.ts does (nothing is written). */
function synthesizedStacks(environments: readonly EnvironmentConfig[]): StackInput[] {
  // cdktf, the provider classes and the stacks load only here: --rules and --from need none of them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TerraformStack } = require("cdktf") as typeof import("cdktf");
  const { buildApp } = require("../stacks/app") as typeof import("../stacks/app");
  const { registeredRelaxations, resolvedStackJson } = require("../policies/apply") as typeof import("../policies/apply");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = buildApp(environments, { offline: process.env.OFFLINE_PLAN === "1" });
  return app.node.children
    .filter((c): c is TerraformStack => TerraformStack.isStack(c))
    .map((stack) => {
      const env = environments.find((e) => e.name === stack.node.id);
      const relaxations = registeredRelaxations(stack) ?? env?.guardrails?.relaxations ?? [];
      let json: TerraformJson | undefined;
      return { name: stack.node.id, relaxations, usage: env?.usage, stack, json: () => (json ??= resolvedStackJson(stack)) };
    });
}

/** One input per `<dir>/stacks/<name>/cdk.tf.json`, with the relaxations of the environment of that name. */
function stacksFrom(dir: string, environments: readonly EnvironmentConfig[]): StackInput[] {
  const stacksDir = join(dir, "stacks");
  if (!existsSync(stacksDir)) usage(`${stacksDir} does not exist (run npx cdktf synth first)`);
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
    .sort()
    .map((name) => ({
      name,
      relaxations: environments.find((e) => e.name === name)?.guardrails?.relaxations ?? [],
      usage: environments.find((e) => e.name === name)?.usage,
      json: () => JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8")) as TerraformJson,
    }));
}

function printReport(report: StackReport, all: boolean): void {
  const rows = report.results.filter((r) => all || r.verdict !== "pass");
  const table = new Table({
    head: ["Rule", "Verdict", "Resource (construct path)", "Detail"],
    colWidths: [15, 9, null, 60] as number[],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const detail = r.verdict === "relaxed" ? `${r.message}. Relaxed: ${r.reason}` : r.verdict === "pass" ? "" : `${r.message}. Fix: ${r.fix}`;
    table.push([r.rule, r.verdict.toUpperCase(), `${r.address}\n(${r.path})`, detail]);
  }
  const s = report.summary;
  process.stdout.write(`\n${report.stack}\n`);
  if (rows.length > 0) process.stdout.write(`${table.toString()}\n`);
  for (const r of report.unusedRelaxations) process.stdout.write(`unused relaxation ${r.rule}${r.scope ? ` (scope ${r.scope})` : ""}: nothing in ${report.stack} violates it\n`);
  process.stdout.write(
    `${report.stack}: ${report.rules} rules, ${s.checks} checks: ${s.passed} passed, ${s.errors} errors, ${s.warnings} warnings, ${s.relaxed} relaxed -> ${report.ok ? "OK" : "FAIL"}\n`,
  );
}

/**
 * What the checks add to a synth: the validation resolves each stack's JSON once more
 * (stack.toTerraform()) and evaluates it. Median over `runs` fresh apps, both stacks per run.
 */
function bench(runs: number): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const evaluateOnly: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const inputs = synthesizedStacks(loadEnvironments());
    inputs.forEach((s) => s.json()); // prepare, aspects, first resolve: paid by every synth anyway
    let t = performance.now();
    const jsons = inputs.map((s) => s.stack!.toTerraform() as TerraformJson);
    const resolved = performance.now() - t;
    t = performance.now();
    jsons.forEach((json, k) => evaluateStack(json, { stack: inputs[k].name, relaxations: inputs[k].relaxations, usage: inputs[k].usage }));
    const evaluated = performance.now() - t;
    evaluateOnly.push(evaluated);
    total.push(resolved + evaluated);
  }
  const fmt = (xs: number[]) => `${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
  process.stdout.write(`guardrails bench, ${runs} runs of all stacks: rules only ${fmt(evaluateOnly)}; added to synth (resolve + rules) ${fmt(total)}\n`);
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const environments = loadEnvironments();
  if (options.rules) {
    const envs: EnvironmentRelaxations[] = environments.map((e) => ({ name: e.name, relaxations: e.guardrails?.relaxations ?? [] }));
    process.stdout.write(`${rulesMarkdown(envs)}\n`);
    return;
  }
  if (options.bench !== undefined) return bench(options.bench);
  const unknown = options.environments.filter((name) => !environments.some((e) => e.name === name));
  if (unknown.length > 0) usage(`no environment ${unknown.join(", ")}; environments: ${environments.map((e) => e.name).join(", ")}`);
  const selected = options.environments.length === 0 ? environments : environments.filter((e) => options.environments.includes(e.name));
  const all = options.from ? stacksFrom(options.from, environments) : synthesizedStacks(selected);
  const inputs = all.filter((input) => options.environments.length === 0 || options.environments.includes(input.name));
  const reports = inputs.map((input) =>
    evaluateStack(input.json(), { stack: input.name, relaxations: input.relaxations, production: environments.find((e) => e.name === input.name)?.production ?? true, usage: input.usage }),
  );
  reports.forEach((r) => printReport(r, options.all));
  const out = resolve(options.json);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(jsonReport(reports, options.from ?? "in-memory synth"), null, 2)}\n`);
  const failed = reports.filter((r) => !r.ok).map((r) => r.stack);
  process.stdout.write(`\n${failed.length === 0 ? "guardrails: OK" : `guardrails: FAILED in ${failed.join(", ")}`} (report: ${options.json})\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
