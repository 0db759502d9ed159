import { spawn } from "child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { Testing } from "cdktf";
import config from "../../bootstrap/config";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { describeWithTerraform } from "../support/terraform";

const root = resolve(__dirname, "..", "..");

function npm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    // NO_COLOR: with CI set (as .ci/run does), picocolors colours the spinner's ✔/✖ marks, which
    // would put escape codes inside the lines asserted below.
    const child = spawn("npm", args, { cwd: root, env: { ...process.env, OFFLINE_PLAN: "", NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", fail);
    child.on("close", (status) => done({ status: status ?? 1, stdout, stderr }));
  });
}

describe("npm run plan: arguments and failures", () => {
  it("names the allowed environments when given an unknown one, and exits 1", async () => {
    const result = await npm(["run", "-s", "plan", "--", "staging", "--offline"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Got "staging"; allowed: one of "dev", "prod"/);
  }, 60_000);

  it("shows terraform's own error, exits 1 and leaves no summary behind", async () => {
    // A stand-in terraform that fails like a broken init would.
    const bin = mkdtempSync(join(tmpdir(), "fake-terraform-"));
    const outDir = mkdtempSync(join(tmpdir(), "plans-"));
    try {
      writeFileSync(join(bin, "terraform"), '#!/bin/sh\necho "Error: Failed to query available provider packages" >&2\nexit 1\n');
      chmodSync(join(bin, "terraform"), 0o755);
      const result = await npm(["run", "-s", "plan", "--", "dev", "--offline", "--out-dir", outDir], {
        PATH: `${bin}:${process.env.PATH}`,
        TF_CLI_CONFIG_FILE: join(bin, "terraformrc"),
        TF_PROVIDER_MIRROR: bin,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("✖ terraform init failed");
      expect(result.stderr).toContain("Error: Failed to query available provider packages");
      expect(result.stderr).toMatch(/No plan for dev: terraform init failed \(exit code 1\)/);
      expect(existsSync(join(outDir, "dev", "summary.md"))).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});

// One synth + terraform init + plan + show through the real CLI entry (about 15 s).
describeWithTerraform("npm run plan -- dev --offline (real terraform, local provider mirror)", () => {
  const outDir = mkdtempSync(join(tmpdir(), "plans-"));
  const planDir = join(outDir, "dev");
  let result: { status: number; stdout: string; stderr: string };

  beforeAll(async () => {
    result = await npm(["run", "-s", "plan", "--", "dev", "--offline", "--out-dir", outDir]);
  }, 240_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("succeeds and shows each step and terraform's verdict", () => {
    if (result.status !== 0) throw new Error(`plan failed:\n${result.stderr}\n${result.stdout}`);
    for (const step of ["synthesize", "terraform init", "terraform plan", "terraform show -json"]) {
      expect(result.stderr).toMatch(new RegExp(`✔ ${step}.*\\(\\d+\\.\\ds\\)`));
    }
    expect(result.stdout).toMatch(/terraform: Plan: \d+ to add, 0 to change, 0 to destroy\./);
  });

  it("writes the binary plan, terraform's text, plan.json, summary.md and diagram.md", () => {
    for (const file of ["plan.tfplan", "plan.txt", "plan.json", "summary.md", "diagram.md"]) {
      expect(existsSync(join(planDir, file))).toBe(true);
    }
    expect(readFileSync(join(planDir, "diagram.md"), "utf8")).toContain("```mermaid\nflowchart LR\n");
  });

  it("counts one create per resource of the synthesized stack, in plan.json, summary.md and on stdout", () => {
    const stack = JSON.parse(readFileSync(join(planDir, "cdktf.out", "stacks", "dev", "cdk.tf.json"), "utf8"));
    const resources = Object.values(stack.resource as Record<string, object>).reduce((n, byId) => n + Object.keys(byId).length, 0);
    const plan = JSON.parse(readFileSync(join(planDir, "plan.json"), "utf8"));
    const managed = plan.resource_changes.filter((c: any) => c.mode === "managed");
    const summary = readFileSync(join(planDir, "summary.md"), "utf8");
    expect(summary).toContain("Offline plan: fake credentials");
    expect(summary).toContain("None: no stateful resource");
    expect(result.stdout).not.toContain("DESTRUCTIVE");
    if (existsSync(join(root, "terraform.dev.tfstate"))) {
      process.stderr.write("terraform.dev.tfstate exists: dev is deployed here, so the plan is not create-only; counts not checked\n");
      return;
    }
    expect(managed).toHaveLength(resources);
    expect(managed.every((c: any) => c.change.actions.join() === "create")).toBe(true);
    expect(summary).toContain(`**${resources} to create, 0 to update, 0 to replace, 0 to delete**`);
    expect(result.stdout).toContain(`dev: ${resources} to create, 0 to update, 0 to replace, 0 to delete`);
    // A fresh environment's cost starts from $0; the delta is the whole estimate.
    expect(summary).toMatch(/## Monthly cost\n\n\*\*\$0\.00 → \$\d+\.\d\d per month \(\+\$\d+\.\d\d\)\*\*/);
    expect(result.stdout).toMatch(/^cost: \$0\.00 -> \$\d+\.\d\d per month \(\+\$\d+\.\d\d\), prices of \d{4}-\d\d-\d\d$/m);
  });

  it("validates the bootstrap stack with terraform", () => {
    const outdir = Testing.fullSynth(new BootstrapStack(Testing.app(), config, { offline: true }));
    expect(outdir).toBeValidTerraform();
  }, 120_000);
});
