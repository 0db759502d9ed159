import { compareStacks, comparisonMarkdown } from "../../scripts/compare-envs";
import { loadStack, StackJson } from "../../scripts/stack-json";
import { fixtureJson } from "./fixtures";

/** The fixture stack as environment `env` (its name appears in resource names, paths and the backend). */
function environment(env: string, change: (json: any) => void = () => undefined) {
  const json = JSON.parse(JSON.stringify(fixtureJson<StackJson>("profile-flow.stack.json")).replace(/demo/g, env));
  change(json);
  return loadStack(json, env);
}

describe("comparing two environments", () => {
  const dev = environment("dev");
  const prod = environment("prod", (json) => {
    const db = json.resource.aws_db_instance.database_instance_00000003;
    Object.assign(db, { instance_class: "db.m7g.large", multi_az: true, backup_retention_period: 14, lifecycle: { prevent_destroy: true } });
    json.resource.aws_launch_template["web_launch-template_00000040"].instance_type = "m7g.large";
    json.resource.aws_cloudwatch_log_group["fn_log-group_00000005"].retention_in_days = 365;
    json.resource.aws_nat_gateway = { "network_nat-a_1": { "//": { metadata: { path: "prod/network/nat-a" } }, subnet_id: "${aws_subnet.network_public-a_00000011.id}" } };
    delete json.resource.aws_volume_attachment;
    json.resource.aws_subnet["network_public-a_00000011"].cidr_block = "10.1.0.0/24";
    json.data.aws_iam_policy_document["fn_role_policy-document_00000004"].statement.splice(1, 0, {
      sid: "WriteXRayTraces", effect: "Allow", actions: ["xray:PutTraceSegments"], resources: ["*"],
    });
    json.output.nat = { value: "x" };
  });
  const comparison = compareStacks(dev, prod);
  const md = comparisonMarkdown(comparison);

  it("matches resources by construct path and lists those only in one environment", () => {
    expect(comparison.onlyInB.map((r) => `${r.type} ${r.path}`)).toEqual(["aws_nat_gateway network/nat-a"]);
    expect(comparison.onlyInA.map((r) => `${r.type} ${r.path}`)).toEqual(["aws_volume_attachment web/data-volume-attachment"]);
    expect(md).toContain("## Only in prod (1)\n\n| construct path | type |\n|---|---|\n| network/nat-a | `aws_nat_gateway` |");
  });

  it("shows the settings that differ, and not the environment's name inside values", () => {
    const changed = Object.fromEntries(comparison.changed.map((r) => [r.path, r.differences.map((d) => d.setting)]));
    expect(changed["database/instance"]).toEqual(["instance_class", "multi_az", "backup_retention_period", "lifecycle"]);
    expect(changed["web/launch-template"]).toEqual(["instance_type"]);
    expect(changed["fn/log-group"]).toEqual(["retention_in_days"]);
    expect(changed["network/public-a"]).toEqual(["cidr_block"]);
    expect(Object.keys(changed)).not.toContain("web/instance"); // tags.Name dev-web vs prod-web: the same
    expect(md).toContain("| `instance_class` | `db.t4g.micro` | `db.m7g.large` |");
    expect(md).toContain("| `multi_az` | `false` | `true` |");
  });

  it("matches policy statements by sid, so an added statement is one difference", () => {
    const policy = comparison.changed.find((r) => r.path === "fn/role/policy-document")!;
    expect(policy.differences.map((d) => d.setting)).toEqual(["statement[sid=WriteXRayTraces]"]);
  });

  it("puts sizes, availability, retention and protections first, and addressing in a collapsed section", () => {
    const highlights = md.slice(md.indexOf("## Highlights"), md.indexOf("## Only in"));
    for (const setting of ["instance_class", "multi_az", "backup_retention_period", "instance_type", "retention_in_days"]) {
      expect(highlights).toContain(`\`${setting}\``);
    }
    expect(md).toMatch(/<details><summary>Network addressing[^]*\| network\/public-a \| `cidr_block` \| `10.0.0.0\/24` \| `10.1.0.0\/24` \|[^]*<\/details>/);
    expect(md).not.toMatch(/### network\/public-a/);
  });

  it("reports provider/backend settings and outputs", () => {
    expect(comparison.stackSettings).toEqual([]); // the backend path differs only by the environment name
    expect(comparison.outputsOnlyInB).toEqual(["nat"]);
    expect(md).toContain("- `nat` only in prod");
  });

  it("does not take a device path for the environment name", () => {
    const a = environment("dev", (json) => (json.resource.aws_ebs_volume["web_data-volume_00000042"].tags.Device = "/dev/sdf"));
    const b = environment("prod", (json) => (json.resource.aws_ebs_volume["web_data-volume_00000042"].tags.Device = "/dev/sdf"));
    expect(compareStacks(a, b).changed).toEqual([]);
  });
});
