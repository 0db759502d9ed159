/**
 * `npm run plan -- <env> [--offline]`: synthesize, `terraform init`, `terraform plan -out`, and write
 * the review files into plans/<env>/: plan.tfplan (binary), plan.txt (terraform's text), plan.json
 * (`terraform show -json`), summary.md and diagram.md. Exits 1 when the plan cannot be made (with
 * terraform's own error output), 2 with --fail-on-destructive when a stateful resource would be
 * deleted or replaced.
 *
 * The stack is synthesized into plans/<env>/cdktf.out (not cdktf.out, so `cdktf deploy` working
 * directories are left alone). A local backend path is written relative to cdktf's usual stack
 * directory, so it is resolved from there and passed to init with -backend-config: the plan sees the
 * same state file as `npx cdktf deploy`. --offline: fake provider credentials (OFFLINE_PLAN=1), no
 * refresh, no lock; a remote (S3) backend is replaced by an empty local state (everything shows as
 * created), as reaching S3 needs credentials.
 */
import { spawn } from "child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { isAbsolute, join, relative, resolve } from "path";
import { parseArgs } from "util";
import { createSpinner } from "nanospinner";
import { diagramMarkdown } from "./diagram";
import { code } from "./markdown";
import { CostDiff, costDiff, costDiffMarkdown, signed } from "./cost/plan-cost";
import { usd } from "./cost/format";
import { headline, PlanJson, PlanSummary, summarizePlan } from "./plan-summary";
import { loadStack, readStackFile } from "./stack-json";
import { prepareTerraform, terraformEnv } from "./terraform-cli";

const ROOT = resolve(__dirname, "..");
const CDKTF_JSON = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string; output?: string };
const OVERRIDE_FILE = "zz_plan_backend_override.tf.json";

export interface PlanOptions {
  readonly environment: string;
  readonly offline: boolean;
  /** Base directory of the plan folders (default <project>/plans); the plan goes to <outDir>/<env>. */
  readonly outDir?: string;
  /** Stream the output of synth and terraform instead of showing it only on failure. */
  readonly verbose?: boolean;
}

export interface PlanResult {
  readonly planDir: string;
  readonly files: { readonly plan: string; readonly text: string; readonly json: string; readonly summary: string; readonly diagram: string };
  readonly summary: PlanSummary;
  /** Monthly cost before and after the plan (summary.md "Monthly cost"). */
  readonly cost: CostDiff;
  /** Terraform's one-line verdict ("Plan: 3 to add, ..." or "No changes."). */
  readonly verdict: string;
}

/** A step that failed; `output` is what the command printed, shown to the user as is. */
export class PlanError extends Error {
  constructor(message: string, readonly output = "") {
    super(message);
  }
}

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, verbose: boolean): Promise<Ran & { code: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => (out.push(b), verbose && process.stderr.write(b)));
    child.stderr.on("data", (b: Buffer) => (err.push(b), verbose && process.stderr.write(b)));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** Runs `fn` under a spinner (a plain line per step when stderr is not a terminal). */
async function step<T>(title: string, verbose: boolean, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const spinner = createSpinner(title, { stream: process.stderr });
  if (verbose) process.stderr.write(`▶ ${title}\n`);
  else spinner.start();
  const tick = setInterval(() => spinner.update({ text: `${title} (${Math.round((Date.now() - started) / 1000)}s)` }), 1000);
  try {
    const result = await fn();
    clearInterval(tick);
    if (verbose) process.stderr.write(`✔ ${title} (${seconds()})\n`);
    else spinner.success({ text: `${title} (${seconds()})` });
    return result;
  } catch (error) {
    clearInterval(tick);
    if (verbose) process.stderr.write(`✖ ${title} (${seconds()})\n`);
    else spinner.error({ text: `${title} failed (${seconds()})` });
    throw error;
  }
}

async function checked(what: string, command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, verbose: boolean): Promise<Ran> {
  const result = await run(command, args, cwd, env, verbose);
  if (result.code !== 0) {
    const output = result.stderr.trim() || result.stdout.trim();
    throw new PlanError(`${what} failed (exit code ${result.code}): ${[command, ...args].join(" ")}`, verbose ? "" : output);
  }
  return result;
}

/** The state file a local backend path points at, resolved from cdktf's stack directory. */
export function resolveLocalStatePath(path: string, environment: string): string {
  return isAbsolute(path) ? path : resolve(ROOT, CDKTF_JSON.output ?? "cdktf.out", "stacks", environment, path);
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const { environment, offline } = options;
  const verbose = options.verbose ?? false;
  const planDir = resolve(options.outDir ?? join(ROOT, "plans"), environment);
  const files = {
    plan: join(planDir, "plan.tfplan"),
    text: join(planDir, "plan.txt"),
    json: join(planDir, "plan.json"),
    summary: join(planDir, "summary.md"),
    diagram: join(planDir, "diagram.md"),
  };
  const setup = prepareTerraform();
  if (setup.unavailable) throw new PlanError(`terraform is needed for a plan: ${setup.unavailable}`);
  const tfEnv = terraformEnv(setup);
  const terraform = setup.terraform!;

  // A failed run must not leave an older summary behind that looks current.
  mkdirSync(planDir, { recursive: true });
  for (const file of Object.values(files)) rmSync(file, { force: true });

  const outdir = join(planDir, "cdktf.out");
  const [appCommand, ...appArgs] = CDKTF_JSON.app.split(" ");
  const synthEnv: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", OFFLINE_PLAN: offline ? "1" : "" };
  await step(`synthesize (${CDKTF_JSON.app})`, verbose, () => checked("synth", appCommand, appArgs, ROOT, synthEnv, verbose));
  const stackDir = join(outdir, "stacks", environment);
  const stackFile = join(stackDir, "cdk.tf.json");
  if (!existsSync(stackFile)) throw new PlanError(`synth wrote no stack "${environment}" (expected ${relative(ROOT, stackFile)})`);
  const stack = loadStack(readStackFile(stackFile), environment);

  const notes: string[] = [];
  const initArgs = ["init", "-input=false", "-no-color", "-reconfigure"];
  const backend = Object.entries(stack.json.terraform?.backend ?? {})[0] ?? ["local", {}];
  rmSync(join(stackDir, OVERRIDE_FILE), { force: true });
  if (backend[0] === "local") {
    const statePath = resolveLocalStatePath(String(backend[1].path ?? "terraform.tfstate"), environment);
    initArgs.push(`-backend-config=path=${statePath}`);
    notes.push(`State: local file ${code(relative(ROOT, statePath))}${existsSync(statePath) ? "" : " (does not exist yet: everything is new)"}.`);
  } else if (offline) {
    const emptyState = join(planDir, "offline-empty.tfstate");
    rmSync(emptyState, { force: true });
    writeFileSync(join(stackDir, OVERRIDE_FILE), JSON.stringify({ terraform: { backend: { local: { path: emptyState } } } }, null, 2));
    notes.push(`State: the ${code(backend[0])} backend needs credentials, so this offline plan starts from an **empty state** (everything shows as created).`);
  } else {
    notes.push(`State: ${code(backend[0])} backend ${code(String(backend[1].bucket ?? ""))} key ${code(String(backend[1].key ?? ""))}.`);
  }

  await step("terraform init", verbose, () => checked("terraform init", terraform, initArgs, stackDir, tfEnv, verbose));
  const planArgs = ["plan", "-input=false", "-no-color", `-out=${files.plan}`, ...(offline ? ["-refresh=false", "-lock=false"] : [])];
  const planned = await step("terraform plan", verbose, () => checked("terraform plan", terraform, planArgs, stackDir, tfEnv, verbose));
  writeFileSync(files.text, planned.stdout);
  const verdict = /^(Plan: .*|No changes\..*)$/m.exec(planned.stdout)?.[1] ?? "";
  const shown = await step("terraform show -json", verbose, () => checked("terraform show", terraform, ["show", "-json", "-no-color", files.plan], stackDir, tfEnv, false));
  writeFileSync(files.json, shown.stdout);

  const plan = JSON.parse(shown.stdout) as PlanJson;
  notes.push(`Made with ${code(`npm run plan -- ${environment}${offline ? " --offline" : ""}`)} (terraform ${plan.terraform_version ?? "?"}); terraform's own text is in ${code("plan.txt")}, the stack diagram in ${code("diagram.md")}.`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadEnvironments } = require("../environments/load") as typeof import("../environments/load");
  const cost = costDiff(plan, stack, { usage: loadEnvironments().find((e) => e.name === environment)?.usage });
  const summary = summarizePlan(plan, { environment, offline, stack, notes, sections: [costDiffMarkdown(cost, environment)] });
  writeFileSync(files.summary, summary.markdown);
  writeFileSync(files.diagram, diagramMarkdown(stack));
  return { planDir, files, summary, cost, verdict };
}


const USAGE = `Usage: npm run plan -- <environment> [--offline] [--out-dir <dir>] [--verbose] [--fail-on-destructive]

  --offline              fake AWS credentials, no refresh, no lock (OFFLINE_PLAN=1); never apply such a plan
  --out-dir <dir>        where the plan folder <dir>/<environment> goes (default: plans)
  --verbose, -v          stream the output of synth and terraform
  --fail-on-destructive  exit 2 when a stateful resource would be deleted or replaced`;

async function main(argv: string[]): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { environmentNames } = require("../environments/load") as typeof import("../environments/load");
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        offline: { type: "boolean", default: false },
        "out-dir": { type: "string" },
        verbose: { type: "boolean", short: "v", default: false },
        "fail-on-destructive": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = environmentNames();
  if (positionals.length !== 1 || !names.includes(positionals[0])) {
    const given = positionals.length === 0 ? "no environment" : `"${positionals.join(" ")}"`;
    process.stderr.write(`Got ${given}; allowed: one of ${names.map((n) => `"${n}"`).join(", ")}.\n\n${USAGE}\n`);
    return 1;
  }
  const environment = positionals[0];
  const offline = values.offline || process.env.OFFLINE_PLAN === "1";
  process.stderr.write(`Planning ${environment}${offline ? " offline (fake credentials, no refresh; never apply)" : ""}\n`);
  try {
    const result = await runPlan({ environment, offline, outDir: values["out-dir"] && resolve(values["out-dir"]), verbose: values.verbose });
    const { summary } = result;
    const show = (p: string) => (relative(process.cwd(), p).startsWith("..") ? p : relative(process.cwd(), p) || ".");
    process.stdout.write(`\n${environment}: ${headline(summary.counts)} (${summary.counts.unchanged} unchanged)\n`);
    if (result.verdict) process.stdout.write(`terraform: ${result.verdict}\n`);
    const { before, after } = result.cost;
    process.stdout.write(`cost: ${usd(before.monthlyTotalUsd)} -> ${usd(after.monthlyTotalUsd)} per month (${signed(result.cost.deltaUsd)}), prices of ${after.priceDate}\n`);
    if (summary.destructive.length > 0) {
      process.stdout.write(`\n\x1b[1;31m!!! DESTRUCTIVE: ${summary.destructive.length} stateful resource(s) would be deleted or replaced !!!\x1b[0m\n`);
      for (const d of summary.destructive) process.stdout.write(`  ${d.action.toUpperCase()} ${d.kind}: ${d.address}${d.path ? ` (${d.path})` : ""}\n`);
    }
    process.stdout.write(`\nWrote ${show(result.planDir)}/: plan.tfplan, plan.txt, plan.json, summary.md, diagram.md\n`);
    process.stdout.write(`Review: ${show(result.files.summary)}\n`);
    return values["fail-on-destructive"] && summary.destructive.length > 0 ? 2 : 0;
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    if (error.output) process.stderr.write(`\n${error.output}\n`);
    if (/Instance cannot be destroyed/.test(error.output)) {
      process.stderr.write(
        "\n\x1b[1;31mA resource with lifecycle.prevent_destroy would be deleted or replaced: a DESTRUCTIVE change to a protected stateful resource.\x1b[0m\n",
      );
    }
    process.stderr.write(`\nNo plan for ${environment}: ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
