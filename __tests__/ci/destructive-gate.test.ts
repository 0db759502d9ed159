import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { destructions, evaluateGate, GatePlan, main, parseLabels } from "../../scripts/ci/destructive-gate";

const change = (address: string, actions: string[], mode = "managed") => ({ address, type: address.split(".")[0], mode, change: { actions } });
const plan = (...changes: ReturnType<typeof change>[]): GatePlan => ({ resource_changes: changes });

describe("destructive-change gate (prod plans in pull requests)", () => {
  const safe = plan(change("aws_instance.web", ["update"]), change("aws_s3_bucket.uploads", ["create"]), change("aws_vpc.main", ["no-op"]), change("data.aws_iam_policy_document.p", ["read"], "data"));
  const risky = plan(change("aws_db_instance.db", ["delete", "create"]), change("aws_route.internet", ["delete"]), change("aws_instance.web", ["create", "delete"]), change("aws_vpc.main", ["no-op"]));

  it("passes a plan that deletes and replaces nothing", () => {
    expect(destructions(safe)).toEqual([]);
    expect(evaluateGate(safe, [])).toMatchObject({ passed: true, markdown: "✅ No resource is deleted or replaced." });
  });

  it("finds every delete and replace, either order, and names stateful ones", () => {
    expect(destructions(risky)).toEqual([
      { address: "aws_db_instance.db", action: "replace", stateful: "RDS instance" },
      { address: "aws_route.internet", action: "delete" },
      { address: "aws_instance.web", action: "replace" },
    ]);
  });

  it("fails without the allow-destroy label and says how to acknowledge", () => {
    const result = evaluateGate(risky, ["documentation"]);
    expect(result.passed).toBe(false);
    expect(result.markdown.split("\n")[0]).toBe("❌ 3 resource(s) deleted or replaced. Add the `allow-destroy` label to the pull request to acknowledge, or change the plan.");
    expect(result.markdown).toContain("- **REPLACE** `aws_db_instance.db` — stateful: RDS instance, its data is lost");
  });

  it("passes with the label, still listing what is destroyed", () => {
    const result = evaluateGate(risky, ["allow-destroy"]);
    expect(result).toMatchObject({ passed: true, acknowledged: true });
    expect(result.markdown).toMatch(/^⚠️ 3 resource\(s\) deleted or replaced — acknowledged with the `allow-destroy` label\./);
    expect(evaluateGate(risky, ["Allow-Destroy"]).passed).toBe(false);
  });

  it("reads labels as GitHub's toJSON gives them", () => {
    expect(parseLabels('["a","allow-destroy"]')).toEqual(["a", "allow-destroy"]);
    expect(parseLabels("")).toEqual([]);
    expect(parseLabels(undefined)).toEqual([]);
    expect(() => parseLabels("allow-destroy")).toThrow("--labels must be a JSON array of label names");
    expect(() => parseLabels("[1]")).toThrow("--labels must be a JSON array");
  });

  it("CLI: exit 1 for an unacknowledged destructive plan, 0 otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "gate-"));
    try {
      writeFileSync(join(dir, "risky.json"), JSON.stringify(risky));
      writeFileSync(join(dir, "safe.json"), JSON.stringify(safe));
      const out: string[] = [];
      expect(main([join(dir, "risky.json"), "--labels", "[]"], (t) => out.push(t))).toBe(1);
      expect(main([join(dir, "risky.json"), "--labels", '["allow-destroy"]'], (t) => out.push(t))).toBe(0);
      expect(main([join(dir, "safe.json")], (t) => out.push(t))).toBe(0);
      expect(main([join(dir, "missing.json")], (t) => out.push(t))).toBe(1);
      expect(out[3]).toMatch(/^destructive-gate: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a real terraform plan JSON (replacing the RDS instance)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require("../plan/fixtures/replace-rds.plan.json") as GatePlan;
    const result = evaluateGate(real, []);
    expect(result.passed).toBe(false);
    expect(result.destructions.some((d) => d.stateful === "RDS instance" && d.action === "replace")).toBe(true);
  });
});
