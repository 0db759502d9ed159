import { actionOf, changedAttributes, countActions, PlanJson, summarizePlan } from "../../scripts/plan-summary";
import { profileFlowStack, replaceRdsPlan } from "./fixtures";

/** The lines of one `## title` section of the Markdown. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`no section "${title}" in:\n${markdown}`);
  const end = markdown.indexOf("\n## ", start + 3);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe("actionOf", () => {
  it.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["delete"], "delete"],
    [["no-op"], "no-op"],
    [["read"], "read"],
    [["forget"], "forget"],
  ])("%j is %s", (actions, expected) => {
    expect(actionOf(actions)).toBe(expected);
  });

  it("rejects actions it does not know rather than miscounting them", () => {
    expect(() => actionOf(["teleport"])).toThrow(/unknown plan actions/);
  });
});

describe("summary of a plan that replaces the RDS instance", () => {
  const plan = replaceRdsPlan();
  const summary = summarizePlan(plan, { environment: "demo", stack: profileFlowStack() });
  const md = summary.markdown;

  it("counts managed resources per action (data sources are not counted)", () => {
    expect(summary.counts).toEqual({ create: 1, update: 1, replace: 2, delete: 1, forget: 0, unchanged: 1 });
    expect(md).toContain("**1 to create, 1 to update, 2 to replace, 1 to delete** (1 resource unchanged)");
  });

  it("flags the RDS replacement and the queue deletion as destructive, not the instance replacement", () => {
    expect(summary.destructive.map((d) => [d.address, d.action, d.kind])).toEqual([
      ["aws_db_instance.database_instance_00000003", "replace", "RDS instance"],
      ["aws_sqs_queue.old_queue", "delete", "SQS queue (messages)"],
    ]);
    const destructive = section(md, "Destructive changes to stateful resources");
    expect(destructive).toContain("[!CAUTION]");
    expect(destructive).toContain("**2 stateful resources will be deleted or replaced.**");
    expect(destructive).toMatch(/`aws_db_instance\.database_instance_00000003`<br>database\/instance \| RDS instance \| \*\*replace \(delete, then create\)\*\* \| forced by `identifier`; an attribute that cannot be updated in place changed/);
    expect(destructive).toContain("removed from the configuration");
    expect(destructive).not.toContain("aws_instance");
  });

  it("lists the other replacement with its reason, and updates with the changed attributes", () => {
    expect(section(md, "Other replacements and deletions")).toMatch(/`aws_instance\.web_instance_00000041`<br>web\/instance \| replace \(create new, then delete old\) \| replace_triggered_by/);
    expect(section(md, "Updates in place")).toMatch(/web\/launch-template \| `instance_type`, `latest_version` \|/);
  });

  it("has a table by resource type with the actions", () => {
    const byType = section(md, "Changes by resource type");
    expect(byType).toContain("| type | create | update | replace | delete | unchanged |");
    expect(byType).toContain("| `aws_db_instance` |  |  | 1 |  |  |");
    expect(byType).toContain("| `aws_sqs_queue` |  |  |  | 1 |  |");
    expect(byType).toContain("| `aws_s3_bucket` |  |  |  |  | 1 |");
    expect(byType).not.toContain("aws_iam_policy_document");
  });

  it("shows changed outputs only, without revealing sensitive values", () => {
    const outputs = section(md, "Outputs");
    expect(outputs).toContain("| `db_endpoint` | update | `demo-postgres.abc.eu-west-1.rds.amazonaws.com` | (known after apply) |");
    expect(outputs).toContain("| `db_password` | create | — | (sensitive) |");
    expect(outputs).toContain("| `old_output` | delete | `x` | — |");
    expect(outputs).not.toContain("`bucket`");
    expect(md).not.toContain("hunter2");
  });

  it("reports drift", () => {
    expect(section(md, "Changed outside Terraform (drift)")).toContain("`aws_s3_bucket.uploads_bucket_00000002`: update");
  });
});

describe("summary of a create-only offline plan", () => {
  const plan: PlanJson = {
    resource_changes: [
      { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", change: { actions: ["create"], before: null, after: {} } },
      { address: "aws_vpc.v", mode: "managed", type: "aws_vpc", name: "v", change: { actions: ["create"], before: null, after: {} } },
    ],
  };
  const summary = summarizePlan(plan, { environment: "dev", offline: true, notes: ["State: local."] });

  it("says it is offline and has no destructive change", () => {
    expect(countActions(plan)).toMatchObject({ create: 2, update: 0, replace: 0, delete: 0 });
    expect(summary.destructive).toEqual([]);
    expect(summary.markdown).toContain("Offline plan: fake credentials");
    expect(summary.markdown).toContain("State: local.");
    expect(section(summary.markdown, "Destructive changes to stateful resources")).toContain("None:");
    expect(summary.markdown).not.toContain("## Updates in place");
    expect(section(summary.markdown, "Outputs")).toContain("No output changes.");
  });
});

describe("changedAttributes", () => {
  it("includes attributes that change, become unknown, or are partly unknown", () => {
    expect(
      changedAttributes({
        actions: ["update"],
        before: { a: 1, b: 2, c: { x: 1 }, d: [1] },
        after: { a: 1, b: 3, c: { x: 1 }, d: [1] },
        after_unknown: { c: { y: true }, d: [false], e: true },
      }),
    ).toEqual(["b", "c", "e"]);
  });
});
