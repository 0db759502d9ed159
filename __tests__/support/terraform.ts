import { execFileSync } from "child_process";
import { readFileSync, rmSync } from "fs";
import { join } from "path";
import { App, Testing } from "cdktf";
import { EnvironmentConfig } from "../../environments/config";
import { PlatformStack } from "../../stacks/platform-stack";
import { prepareTerraform, terraformEnv, TerraformSetup } from "../../scripts/terraform-cli";

/**
 * Real terraform for the test suite. When terraform is missing the tests are skipped with a loud
 * reason; when REQUIRE_TERRAFORM=1 (set by .ci/run) a missing terraform is a failure instead.
 */
export const terraform: TerraformSetup = prepareTerraform();

export function describeWithTerraform(name: string, body: () => void): void {
  if (!terraform.unavailable) {
    // Matchers such as toBeValidTerraform spawn terraform with process.env.
    Object.assign(process.env, terraformEnv(terraform));
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_TERRAFORM === "1") {
    describe(name, () => {
      it("needs terraform (REQUIRE_TERRAFORM=1)", () => {
        throw new Error(`terraform tests cannot run: ${terraform.unavailable}`);
      });
    });
    return;
  }
  process.stderr.write(`\n*** SKIPPED: ${name} — ${terraform.unavailable}. Install terraform >= 1.10 to run them. ***\n\n`);
  describe.skip(`${name} [SKIPPED: ${terraform.unavailable}]`, body);
}

/** Full synth of one environment with offline provider settings; returns the stack directory. */
export function synthForTerraform(env: EnvironmentConfig): { outdir: string; stackDir: string; app: App } {
  const app = Testing.app();
  const stack = new PlatformStack(app, env, { offline: true });
  const outdir = Testing.fullSynth(stack);
  return { outdir, stackDir: join(outdir, "stacks", env.name), app };
}

function run(stackDir: string, args: string[]): string {
  try {
    return execFileSync(terraform.terraform ?? "terraform", args, {
      cwd: stackDir,
      env: terraformEnv(terraform),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (error) {
    // With -json, terraform reports its errors on stdout.
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`terraform ${args.join(" ")} failed in ${stackDir}:\n${stderr}${stdout.slice(-5000)}`);
  }
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly addresses: string[];
}

interface PlannedChange {
  readonly type: string;
  readonly change?: { readonly action: string; readonly resource: { readonly addr: string; readonly resource: string } };
}

/**
 * `terraform plan` of an already initialized stack directory (toBeValidTerraform ran init), with
 * no refresh and no lock. Reads terraform's machine-readable UI (`-json`: one `planned_change` per
 * resource) instead of saving the plan and running `terraform show -json` on it, which would load
 * the 700 MB AWS provider and its schema a second time (~3 s per stack, see bench/README.md).
 * A replace counts as a delete and a create, as in the saved plan's `actions`.
 */
export function planOffline(stackDir: string): PlanSummary {
  const output = run(stackDir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-json"]);
  const changes = output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as PlannedChange)
    .filter((m) => m.type === "planned_change" && m.change !== undefined && !/(^|\.)data\./.test(m.change.resource.resource))
    .map((m) => m.change!);
  const count = (action: string) => changes.filter((c) => c.action === action || (c.action === "replace" && action !== "update")).length;
  return { create: count("create"), update: count("update"), delete: count("delete"), addresses: changes.map((c) => c.resource.addr) };
}

/** Number of managed resources in a synthesized stack directory. */
export function resourceCountIn(stackDir: string): number {
  const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource: Record<string, object> };
  return Object.values(tf.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/**
 * The real-terraform checks of one environment's stack (one test file per environment, so jest runs
 * them in parallel): one full synth, one `terraform init` (inside toBeValidTerraform), then validate
 * and an offline plan reuse it; the plan is read from `terraform plan -json`.
 */
export function describeTerraformStack(env: EnvironmentConfig): void {
  describeWithTerraform(`terraform: ${env.name} stack`, () => {
    let stackDir: string;
    let outdir: string;

    beforeAll(() => {
      ({ outdir, stackDir } = synthForTerraform(env));
    });
    afterAll(() => outdir && rmSync(outdir, { recursive: true, force: true }));

    it("is valid terraform (init + validate)", () => {
      expect(outdir).toBeValidTerraform();
    }, 120_000);

    it("plans offline, creating every resource of the stack", () => {
      const plan = planOffline(stackDir);
      process.stdout.write(`${env.name} plan: ${plan.create} to add, ${plan.update} to change, ${plan.delete} to destroy\n`);
      expect(plan.create).toBe(resourceCountIn(stackDir));
      expect(plan.update + plan.delete).toBe(0);
    }, 120_000);
  });
}
