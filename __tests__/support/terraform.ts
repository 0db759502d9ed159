import { execFileSync } from "child_process";
import { readFileSync } from "fs";
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
  return execFileSync(terraform.terraform ?? "terraform", args, {
    cwd: stackDir,
    env: terraformEnv(terraform),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly addresses: string[];
}

/**
 * `terraform plan` of an already initialized stack directory (toBeValidTerraform ran init), with
 * no refresh and no lock, then `terraform show -json` of the saved plan.
 */
export function planOffline(stackDir: string): PlanSummary {
  run(stackDir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=tfplan"]);
  const plan = JSON.parse(run(stackDir, ["show", "-json", "tfplan"])) as {
    resource_changes?: { address: string; mode: string; change: { actions: string[] } }[];
  };
  const changes = (plan.resource_changes ?? []).filter((c) => c.mode === "managed");
  const count = (action: string) => changes.filter((c) => c.change.actions.includes(action)).length;
  return { create: count("create"), update: count("update"), delete: count("delete"), addresses: changes.map((c) => c.address) };
}

/** Number of managed resources in a synthesized stack directory. */
export function resourceCountIn(stackDir: string): number {
  const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource: Record<string, object> };
  return Object.values(tf.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
