import { costDiff, costDiffMarkdown } from "../../scripts/cost/plan-cost";
import { PlanJson, ResourceChange, summarizePlan } from "../../scripts/plan-summary";
import { loadStack, Stack, StackJson } from "../../scripts/stack-json";
import { fixtureJson } from "../plan/fixtures";
import { roundPrices, USAGE } from "./fixtures";

/** The plan fixture's stack with a priced database (20 GB gp3) in the given instance class. */
function stackWithDbClass(instanceClass: string): Stack {
  const json = fixtureJson<any>("profile-flow.stack.json");
  Object.assign(json.resource.aws_db_instance.database_instance_00000003, { instance_class: instanceClass, allocated_storage: 20, storage_type: "gp3" });
  return loadStack(json as StackJson, "demo");
}

/** A plan over `after` where every resource already exists as in `before`, except the changes given. */
function planOver(before: Stack | undefined, after: Stack, actions: Record<string, string[]> = {}): PlanJson {
  const resource_changes: ResourceChange[] = [...after.resources.values()]
    .filter((r) => r.mode === "managed")
    .map((r) => {
      const previous = before?.resources.get(r.address)?.body ?? null;
      return { address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: actions[r.address] ?? (previous ? ["no-op"] : ["create"]), before: previous, after: r.body } };
    });
  return { resource_changes };
}

const DB = "aws_db_instance.database_instance_00000003";
const options = { usage: USAGE, prices: roundPrices() };

describe("the monthly cost of a plan that changes the database instance class", () => {
  const before = stackWithDbClass("db.t4g.micro");
  const after = stackWithDbClass("db.t4g.small");
  const diff = costDiff(planOver(before, after, { [DB]: ["update"] }), after, options);
  const md = costDiffMarkdown(diff, "demo");

  it("prices the database before and after: 730 h × $0.02 → × $0.04, storage and secret unchanged", () => {
    expect(diff.changes).toEqual([{ address: DB, path: "database/instance", action: "update", beforeUsd: 17.0, afterUsd: 31.6, deltaUsd: 14.6, notPriced: false }]);
    expect(diff.deltaUsd).toBe(14.6);
    expect(diff.after.monthlyTotalUsd - diff.before.monthlyTotalUsd).toBeCloseTo(14.6, 2);
  });

  it("shows before → after and the delta per changed resource in summary.md", () => {
    expect(md).toContain(`**${usdText(diff.before.monthlyTotalUsd)} → ${usdText(diff.after.monthlyTotalUsd)} per month (+$14.60)**, on-demand prices of 2026-01-02`);
    expect(md).toContain("| `aws_db_instance.database_instance_00000003`<br>database/instance | update | $17.00 | $31.60 | +$14.60 |");
    const summary = summarizePlan(planOver(before, after, { [DB]: ["update"] }), { environment: "demo", sections: [md] }).markdown;
    expect(summary.indexOf("## Monthly cost")).toBeGreaterThan(summary.indexOf("## Changes by resource type"));
    expect(summary.indexOf("## Monthly cost")).toBeLessThan(summary.indexOf("## Outputs"));
  });

  it("says which lines are not priced instead of counting them as 0", () => {
    // The fixture's web instance has no root volume size (AMI default): unknown, not free.
    expect(diff.after.notPriced).toBeGreaterThan(0);
    expect(md).toContain("**not priced**: their cost is unknown and not in these totals.");
  });
});

describe("a plan that changes the web server's instance type in its launch template", () => {
  const before = stackWithDbClass("db.t4g.micro");
  const json = fixtureJson<any>("profile-flow.stack.json");
  Object.assign(json.resource.aws_db_instance.database_instance_00000003, { allocated_storage: 20, storage_type: "gp3" });
  json.resource.aws_launch_template["web_launch-template_00000040"].instance_type = "t4g.small";
  const after = loadStack(json as StackJson, "demo");
  const LT = "aws_launch_template.web_launch-template_00000040";
  const INSTANCE = "aws_instance.web_instance_00000041";
  const diff = costDiff(planOver(before, after, { [LT]: ["update"], [INSTANCE]: ["update"] }), after, options);

  it("moves the instance's hours from $0.01 to $0.02 an hour (+$7.30), the template itself being free", () => {
    const hours = (e: typeof diff.before) => e.lines.find((l) => l.address === INSTANCE && l.key === "instance-hours")!.monthlyUsd;
    expect([hours(diff.before), hours(diff.after)]).toEqual([7.3, 14.6]);
    expect(diff.deltaUsd).toBe(7.3);
    // The fixture's root volume size is unknown at synth (AMI default): that part stays "not priced".
    expect(diff.changes.map((c) => [c.address, c.deltaUsd, c.notPriced])).toEqual([[INSTANCE, 7.3, true]]);
    expect(costDiffMarkdown(diff, "demo")).toContain("| update | $7.30 + not priced | $14.60 + not priced | +$7.30 + not priced |");
  });
});

describe("a fresh environment", () => {
  const after = stackWithDbClass("db.t4g.micro");
  const diff = costDiff(planOver(undefined, after), after, options);

  it("starts from $0 and adds every resource's cost", () => {
    expect(diff.before.monthlyTotalUsd).toBe(0);
    expect(diff.before.lines).toEqual([]);
    expect(diff.deltaUsd).toBe(diff.after.monthlyTotalUsd);
    expect(diff.changes.find((c) => c.address === DB)).toEqual({ address: DB, path: "database/instance", action: "create", beforeUsd: 0, afterUsd: 17.0, deltaUsd: 17.0, notPriced: false });
    expect(diff.changes.find((c) => c.address === "usage.s3StorageGb")).toMatchObject({ action: "usage", beforeUsd: 0, afterUsd: 2.0 });
    expect(costDiffMarkdown(diff, "demo")).toMatch(/^\*\*\$0\.00 → \$\d+\.\d\d per month \(\+\$\d+\.\d\d\)\*\*/m);
  });
});

describe("a plan without cost changes", () => {
  const stack = stackWithDbClass("db.t4g.micro");
  it("says so", () => {
    const diff = costDiff(planOver(stack, stack), stack, options);
    expect(diff.changes).toEqual([]);
    expect(costDiffMarkdown(diff, "demo")).toContain("No change in cost.");
  });
});

function usdText(n: number): string {
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
