import dev from "../../environments/dev";
import prod from "../../environments/prod";
import { EnvironmentConfig } from "../../environments/config";
import { evaluateStack } from "../../policies/engine";
import { TerraformJson } from "../../policies/model";
import { synthEnvironment } from "../support/synth";

/**
 * The real stacks, synthesized once each. Testing.synth strips the construct paths that scoped
 * relaxations match on, so the rules run on the stack's resolved JSON (what synth validates).
 */
function evaluate(env: EnvironmentConfig) {
  const { stack } = synthEnvironment(env);
  return evaluateStack(stack.toTerraform() as TerraformJson, { stack: env.name, relaxations: env.guardrails?.relaxations ?? [] });
}

const reports = { dev: evaluate(dev), prod: evaluate(prod) };

const relaxedRules = (env: keyof typeof reports) => [...new Set(reports[env].results.filter((r) => r.verdict === "relaxed").map((r) => r.rule))];
const outstanding = (env: keyof typeof reports, verdict: "error" | "warning") =>
  reports[env].results.filter((r) => r.verdict === verdict).map((r) => `${r.rule} ${r.path}`);

describe("the dev stack", () => {
  it("passes the guardrails with only its declared relaxations", () => {
    expect(outstanding("dev", "error")).toEqual([]);
    expect(reports.dev.ok).toBe(true);
    expect(relaxedRules("dev")).toEqual([
      "WP-VPC-003", // no flow logs
      "WP-VPC-004", // no NAT gateway
      "WP-EC2-004", // web server has a public IP
      "WP-EC2-006", // basic monitoring
      "WP-EBS-002", // no data-volume snapshots
      "WP-CF-003", // no WAF at the edge
      "WP-CF-004", // no CloudFront access logs
      "WP-RDS-004", // 1 day of backups
      "WP-RDS-005", // single-AZ
      "WP-RDS-006", // no deletion protection
      "WP-RDS-007", // no final snapshot
      "WP-RDS-010", // no Performance Insights
      "WP-LAMBDA-003", // no reserved concurrency
      "WP-LAMBDA-004", // no X-Ray tracing
      "WP-LAMBDA-007", // function outside the VPC
      "WP-DDB-003", // no table deletion protection
      "WP-LOG-002", // 14-day log retention
      "WP-STATE-001", // no prevent_destroy
    ]);
  });

  it("uses every relaxation it declares", () => {
    expect(reports.dev.unusedRelaxations).toEqual([]);
    expect(relaxedRules("dev").sort()).toEqual((dev.guardrails?.relaxations ?? []).map((r) => r.rule).sort());
  });
});

describe("the prod stack", () => {
  it("passes the guardrails, relaxing only the Lambda outside the VPC", () => {
    expect(outstanding("prod", "error")).toEqual([]);
    expect(reports.prod.ok).toBe(true);
    expect(relaxedRules("prod")).toEqual(["WP-LAMBDA-007"]);
    expect(reports.prod.results.filter((r) => r.verdict === "relaxed").map((r) => r.path)).toEqual(["prod/profile-updater/function"]);
    expect(reports.prod.unusedRelaxations).toEqual([]);
  });
});

describe.each(["dev", "prod"] as const)("%s", (env) => {
  it("has no outstanding warning (the web server is reached through CloudFront only)", () => {
    expect(outstanding(env, "warning")).toEqual([]);
  });

  it("checks the edge and the web server's ingress: HTTPS viewers, no internet ingress to the instance", () => {
    const passed = (rule: string) => reports[env].results.filter((r) => r.rule === rule && r.verdict === "pass").map((r) => r.path);
    expect(passed("WP-CF-001")).toEqual([`${env}/edge/distribution`]);
    expect(passed("WP-SG-008")).toEqual([`${env}/web/security-group/in-0`]);
  });

  it("runs every rule family against its resources", () => {
    const evaluated = new Set(reports[env].results.map((r) => r.rule.replace(/-\d+$/, "")));
    for (const family of ["WP-VPC", "WP-SG", "WP-EC2", "WP-EBS", "WP-CF", "WP-RDS", "WP-S3", "WP-LAMBDA", "WP-DDB", "WP-SQS", "WP-IAM", "WP-LOG", "WP-SEC", "WP-STATE"]) {
      expect(evaluated).toContain(family);
    }
  });
});
