import { rmSync } from "fs";
import prod from "../../environments/prod";
import { describeWithTerraform, planOffline, resourceCountIn, synthForTerraform } from "../support/terraform";

// One full synth, one terraform init (inside toBeValidTerraform), then validate and plan reuse it;
// the plan is read from `terraform plan -json` (no saved plan, no second provider start for show).
describeWithTerraform("terraform: prod stack", () => {
  let stackDir: string;
  let outdir: string;

  beforeAll(() => {
    ({ outdir, stackDir } = synthForTerraform(prod));
  });
  afterAll(() => outdir && rmSync(outdir, { recursive: true, force: true }));

  it("is valid terraform (init + validate)", () => {
    expect(outdir).toBeValidTerraform();
  }, 120_000);

  it("plans offline, creating every resource of the stack", () => {
    const plan = planOffline(stackDir);
    process.stdout.write(`prod plan: ${plan.create} to add, ${plan.update} to change, ${plan.delete} to destroy\n`);
    expect(plan.create).toBe(resourceCountIn(stackDir));
    expect(plan.update + plan.delete).toBe(0);
  }, 120_000);
});
