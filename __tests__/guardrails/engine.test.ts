import { evaluateStack, formatSummary } from "../../policies/engine";
import { findRule } from "../../policies/rules";
import { ref, tf } from "./fixtures/helpers";

const now = new Date("2026-11-25T00:00:00Z");

/** Two unencrypted volumes under different construct paths. */
const volumes = tf({
  "aws_ebs_volume.web": { "//": { metadata: { path: "test/web/data-volume" } }, availability_zone: "eu-west-1a", size: 1, encrypted: false },
  "aws_ebs_volume.batch": { "//": { metadata: { path: "test/batch/scratch" } }, availability_zone: "eu-west-1a", size: 1, encrypted: false },
});
const ebs001 = [findRule("WP-EBS-001")!];

describe("relaxations", () => {
  it("turn a violation into 'relaxed' with the reason, for the whole stack", () => {
    const report = evaluateStack(volumes, { rules: ebs001, now, relaxations: [{ rule: "WP-EBS-001", reason: "test volumes hold nothing" }] });
    expect(report.results.map((r) => [r.address, r.verdict, r.reason])).toEqual([
      ["aws_ebs_volume.web", "relaxed", "test volumes hold nothing"],
      ["aws_ebs_volume.batch", "relaxed", "test volumes hold nothing"],
    ]);
    expect(report.ok).toBe(true);
    expect(report.unusedRelaxations).toEqual([]);
  });

  it("can be limited to a construct path (whole segments only)", () => {
    const report = evaluateStack(volumes, { rules: ebs001, now, relaxations: [{ rule: "WP-EBS-001", reason: "web volume is scratch", scope: "web" }] });
    expect(report.results.map((r) => [r.address, r.verdict])).toEqual([
      ["aws_ebs_volume.web", "relaxed"],
      ["aws_ebs_volume.batch", "error"],
    ]);
    expect(report.ok).toBe(false);
    const prefixOnly = evaluateStack(volumes, { rules: ebs001, now, relaxations: [{ rule: "WP-EBS-001", reason: "not a path segment", scope: "we" }] });
    expect(prefixOnly.summary.relaxed).toBe(0);
  });

  it("that match nothing are reported as unused", () => {
    const relaxation = { rule: "WP-RDS-005", reason: "there is no database here" };
    const report = evaluateStack(volumes, { rules: ebs001, now, relaxations: [relaxation] });
    expect(report.unusedRelaxations).toEqual([relaxation]);
    expect(formatSummary(report)).toContain("unused relaxation WP-RDS-005");
  });
});

describe("reports", () => {
  it("count checks and list errors, warnings and relaxed rules in the synth summary", () => {
    const report = evaluateStack(volumes, { rules: ebs001, now, relaxations: [{ rule: "WP-EBS-001", reason: "scratch only", scope: "batch" }] });
    expect(report.summary).toEqual({ checks: 2, passed: 0, errors: 1, warnings: 0, relaxed: 1 });
    const summary = formatSummary(report);
    expect(summary.split("\n")[0]).toBe("guardrails test: 1 rules, 2 checks: 0 passed, 1 errors, 0 warnings, 1 relaxed");
    expect(summary).toContain("WP-EBS-001 error aws_ebs_volume.web (test/web/data-volume): encrypted is not true. Fix:");
    expect(summary).toContain("  test: 1 rule relaxed (npm run check -- test lists them)");
    expect(summary).not.toContain("scratch only"); // reasons are listed by `npm run check`, not on every synth
  });

  it("fall back to the address when the JSON has no construct paths (Testing.synth strips them)", () => {
    const report = evaluateStack({ resource: { aws_ebs_volume: { v: { encrypted: false } } } }, { rules: ebs001, now, stack: "bare" });
    expect(report.results[0]).toMatchObject({ address: "aws_ebs_volume.v", path: "aws_ebs_volume.v", verdict: "error" });
  });

  it("report a launch template's violation once, on the template, not again on its instance", () => {
    const json = tf({
      "aws_launch_template.lt": { metadata_options: { http_tokens: "optional" } },
      "aws_instance.web": { launch_template: { id: ref("aws_launch_template.lt") } },
    });
    const results = evaluateStack(json, { rules: [findRule("WP-EC2-001")!], now }).results;
    expect(results.map((r) => [r.address, r.verdict])).toEqual([
      ["aws_launch_template.lt", "error"],
      ["aws_instance.web", "pass"],
    ]);
  });
});
