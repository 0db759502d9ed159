import { evaluateStack, formatViolation } from "../../policies/engine";
import { TerraformJson } from "../../policies/model";
import { ALL_RULES, findRule } from "../../policies/rules";
import { computeCases } from "./fixtures/compute";
import { costCases } from "./fixtures/cost";
import { dataCases } from "./fixtures/data";
import { edgeCases } from "./fixtures/edge";
import { RuleCase } from "./fixtures/helpers";
import { iamAndOperationsCases } from "./fixtures/iam-and-operations";
import { alarmAddress, alarmWithoutAction, monitoringCases } from "./fixtures/monitoring";
import { networkCases } from "./fixtures/network";
import { serverlessCases } from "./fixtures/serverless";

/** Fixed "today" so that date-based rules (Lambda runtime deprecation) are reproducible. */
const NOW = new Date("2026-11-25T00:00:00Z");

const cases: RuleCase[] = [...networkCases, ...computeCases, ...dataCases, ...serverlessCases, ...iamAndOperationsCases, ...monitoringCases, ...edgeCases, ...costCases];

/** The results of one rule on one fixture. */
function run(ruleId: string, json: TerraformJson) {
  const rule = findRule(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return evaluateStack(json, { rules: [rule], now: NOW }).results;
}

describe("the rule catalogue", () => {
  it("has at least 40 rules with unique, well-formed ids", () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^WP-[A-Z0-9]+-\d{3}$/);
  });

  it("gives every rule a severity, a one-line explanation and fix, and well-formed checkov / cdk-nag ids", () => {
    for (const rule of ALL_RULES) {
      expect(["error", "warning"]).toContain(rule.severity);
      for (const text of [rule.title, rule.explanation, rule.fix]) {
        expect(text.length).toBeGreaterThan(10);
        expect(text).not.toContain("\n");
      }
      for (const id of rule.checkov) expect(id).toMatch(/^CKV2?_(AWS|SECRET)_\d+$/);
      for (const id of rule.cdkNag) expect(id).toMatch(/^AwsSolutions-[A-Z0-9]+$/);
    }
  });

  it("has a failing and a passing fixture for every rule", () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(ALL_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe.each(cases.map((c) => [c.rule, c.name, c] as const))("%s: %s", (ruleId, _name, c) => {
  it("fails the violating fixture, naming the rule and the resource address", () => {
    const violations = run(ruleId, c.failing).filter((r) => r.verdict !== "pass");
    expect(violations.map((v) => v.address)).toContain(c.address);
    const violation = violations.find((v) => v.address === c.address)!;
    expect(violation.verdict).toBe(findRule(ruleId)!.severity);
    expect(violation.path).toBeTruthy();
    const line = formatViolation(violation);
    expect(line).toContain(ruleId);
    expect(line).toContain(c.address);
    expect(line).toContain("Fix:");
  });

  it("passes the compliant fixture", () => {
    const results = run(ruleId, c.passing);
    expect(results.filter((r) => r.verdict !== "pass")).toEqual([]);
    expect(results.length).toBeGreaterThan(0);
  });
});

describe("WP-CW-001 depends on the environment", () => {
  const verdictOf = (production: boolean) =>
    evaluateStack(alarmWithoutAction, { rules: [findRule("WP-CW-001")!], now: NOW, production }).results.find((r) => r.address === alarmAddress)?.verdict;
  it("is an error in a production environment (synth stops)", () => expect(verdictOf(true)).toBe("error"));
  it("is a warning elsewhere (synth goes on)", () => expect(verdictOf(false)).toBe("warning"));
});
