import { execFileSync, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { planPriorState, pulledState, recordPlan, refusal, SavedPlanRecord } from "../../scripts/ci/saved-plan";
import { terraformEnv } from "../../scripts/terraform-cli";
import { describeWithTerraform, terraform } from "../support/terraform";

// Real terraform, real plan files: a configuration with only the built-in terraform_data resource
// (no provider to install) and a local backend. The check must agree with terraform's own
// "Saved plan is stale" refusal.
describeWithTerraform("saved-plan check against real terraform plan files", () => {
  let dir: string;
  const tf = (args: string[]) => execFileSync(terraform.terraform!, args, { cwd: dir, env: terraformEnv(terraform), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const plan = (into: string, input: string) => {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: join(dir, "state", "terraform.tfstate") } } }, resource: { terraform_data: { x: { input } } } }));
    mkdirSync(into, { recursive: true });
    tf(["plan", "-input=false", "-no-color", `-out=${join(into, "plan.tfplan")}`]);
    writeFileSync(join(into, "plan.json"), tf(["show", "-json", join(into, "plan.tfplan")]));
    return recordPlan(into);
  };
  const check = (into: string, record: SavedPlanRecord) => refusal({ record, plan: readFileSync(join(into, "plan.tfplan")), current: pulledState(tf(["state", "pull"])) });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "saved-plan-e2e-"));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: join(dir, "state", "terraform.tfstate") } } } }));
    tf(["init", "-input=false", "-no-color"]);
  }, 60_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("allows the first plan on an empty state, refuses it once the state moved, as terraform does", () => {
    const first = plan(join(dir, "first"), "a");
    expect(first).toMatchObject({ lineage: "", serial: 0, hasChanges: true });
    expect(check(join(dir, "first"), first)).toBeUndefined();

    const second = plan(join(dir, "second"), "b");
    tf(["apply", "-input=false", "-no-color", join(dir, "first", "plan.tfplan")]);
    const state = pulledState(tf(["state", "pull"]));
    expect(state.serial).toBeGreaterThan(0);

    // Made before the apply: both the check and terraform refuse it.
    expect(check(join(dir, "second"), second)).toMatch(/a different state|stale/);
    const stale = spawnSync(terraform.terraform!, ["apply", "-input=false", "-no-color", join(dir, "second", "plan.tfplan")], { cwd: dir, env: terraformEnv(terraform), encoding: "utf8" });
    expect(stale.status).not.toBe(0);
    expect(stale.stderr).toMatch(/Saved plan is stale|Saved plan does not match/);

    // A plan made now records the current lineage and serial and may be applied.
    const third = plan(join(dir, "third"), "c");
    expect(planPriorState(readFileSync(join(dir, "third", "plan.tfplan")))).toEqual(state);
    expect(check(join(dir, "third"), third)).toBeUndefined();
    tf(["apply", "-input=false", "-no-color", join(dir, "third", "plan.tfplan")]);
    expect(check(join(dir, "third"), third)).toMatch(/^the state changed since the plan was made \(serial \d+ then, \d+ now\)/);
  }, 120_000);
});
