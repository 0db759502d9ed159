import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import dev from "../../environments/dev";
import prod from "../../environments/prod";
import { estimateStack, pricingOf } from "../../scripts/cost/estimate";
import { loadPriceTable } from "../../scripts/cost/prices";
import { synthesizeEnvironments } from "../../scripts/stack-json";
import { PlatformStack } from "../../stacks/platform-stack";

// The stacks exactly as `npm run cost` reads them (real synth, construct paths in the metadata).
const synthesized = synthesizeEnvironments();
const stacks = { dev: synthesized.get("dev")!, prod: synthesized.get("prod")! };
const estimates = {
  dev: estimateStack(stacks.dev, { usage: dev.usage }),
  prod: estimateStack(stacks.prod, { usage: prod.usage }),
};

// dev with a budget below its fixed costs: the guardrail warns, and the synth still succeeds.
const tmp = mkdtempSync(join(tmpdir(), "cost-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const logs: string[] = [];
const tightApp = new App({ outdir: tmp });
new PlatformStack(tightApp, { ...dev, budget: { monthlyUsd: 5 } }, { guardrails: { log: (s) => logs.push(s) } });
tightApp.synth();

describe.each(["dev", "prod"] as const)("the %s estimate", (name) => {
  const e = estimates[name];

  it("totals equal the sum of their lines (fixed + usage-based)", () => {
    const sum = (basis: string) => e.lines.filter((l) => l.basis === basis).reduce((s, l) => s + (l.monthlyUsd ?? 0), 0);
    expect(e.fixedMonthlyUsd).toBeCloseTo(sum("fixed"), 2);
    expect(e.usageMonthlyUsd).toBeCloseTo(sum("usage"), 2);
    expect(e.monthlyTotalUsd).toBeCloseTo(e.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0), 2);
    expect(e.monthlyTotalUsd).toBeGreaterThan(0);
  });

  it("prices every resource or lists it as free: nothing is left unpriced", () => {
    expect(e.lines.filter((l) => l.basis === "not priced")).toEqual([]);
    const managed = [...stacks[name].resources.values()].filter((r) => r.mode === "managed").map((r) => r.address);
    const covered = new Set(e.lines.flatMap((l) => (l.address.startsWith("usage.") ? l.covers ?? [] : [l.address])));
    expect(managed.filter((a) => !covered.has(a))).toEqual([]);
  });

  it("stays within the environment's budget", () => {
    expect(e.monthlyTotalUsd).toBeLessThanOrEqual((name === "dev" ? dev : prod).budget.monthlyUsd);
  });
});

it("prod costs more than dev: Multi-AZ database, NAT gateways, larger instances", () => {
  const line = (name: "dev" | "prod", path: string, key: string) => estimates[name].lines.find((l) => l.path === path && l.key === key)!;
  expect(line("prod", "database/instance", "instance-hours").item).toContain("Multi-AZ");
  expect(estimates.prod.lines.filter((l) => l.type === "aws_nat_gateway" && l.key === "hours")).toHaveLength(2);
  expect(estimates.dev.lines.filter((l) => l.type === "aws_nat_gateway")).toEqual([]);
  expect(line("prod", "web/instance", "instance-hours").monthlyUsd!).toBeGreaterThan(line("dev", "web/instance", "instance-hours").monthlyUsd!);
  expect(estimates.prod.monthlyTotalUsd).toBeGreaterThan(estimates.dev.monthlyTotalUsd);
});

it("WP-COST-001 warns at synth when the estimate exceeds the budget", () => {
  const summary = logs.join("\n");
  expect(summary).toMatch(/WP-COST-001 warning aws_budgets_budget\.\S+ \(dev\/budget\/budget\): the estimate is \$\d+\.\d\d\/month \(prices of \d{4}-\d\d-\d\d\), over the budget of \$5\.00\/month\. Fix:/);
  const written = JSON.parse(readFileSync(join(tmp, "stacks", "dev", "cdk.tf.json"), "utf8"));
  expect(Object.values(written.resource.aws_budgets_budget)).toEqual([expect.objectContaining({ limit_amount: "5.00" })]);
});

describe("the committed price table", () => {
  const table = loadPriceTable();

  it("gives every price its date, Price List identity and source", () => {
    for (const p of table.prices) {
      expect(p.date).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(p.source).toBe("AWS Price List bulk API (offer file)");
      expect(p.serviceCode).toMatch(/^[A-Za-z0-9]+$/);
      expect(p.usd).toBeGreaterThan(0);
      if (p.region === "eu-west-1") expect(p.usageType).toMatch(/^(EU-|eu-west-1-)/);
      if (p.region === "us-east-1") expect(p.usageType).not.toMatch(/^EU-/);
    }
    expect(table.date).toBe([...table.prices.map((p) => p.date)].sort()[0]);
  });

  it("has one entry per price id and region, covering eu-west-1 and us-east-1", () => {
    const keys = table.prices.map((p) => `${p.id} ${p.region}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(table.prices.map((p) => p.region))).toEqual(new Set(["eu-west-1", "us-east-1", "global"]));
  });

  it("lists as free only types the estimator does not price", () => {
    expect(Object.keys(table.free).filter((type) => pricingOf(type) === "priced")).toEqual([]);
    expect(pricingOf("aws_iam_role")).toBe("free");
  });
});
