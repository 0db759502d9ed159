import { compareCosts, costComparisonMarkdown } from "../../scripts/cost/compare";
import { estimateStack } from "../../scripts/cost/estimate";
import { loadStack } from "../../scripts/stack-json";
import { everyKindJson, roundPrices, USAGE } from "./fixtures";

/** The every-kind fixture as two environments: "small" without the NAT gateways, "big" with a Multi-AZ database and twice the S3 storage. */
const small = (() => {
  const json = everyKindJson() as any;
  json.resource.aws_db_instance.db.multi_az = false;
  delete json.resource.aws_nat_gateway;
  return estimateStack(loadStack(json, "small"), { usage: USAGE, prices: roundPrices() });
})();
const big = estimateStack(loadStack(everyKindJson(), "big"), { usage: { ...USAGE, s3StorageGb: 200 }, prices: roundPrices() });
const rows = compareCosts(small, big);
const row = (where: string, item: RegExp) => rows.filter((r) => r.where === where && item.test(r.item));

describe("dev against prod cost, line by line", () => {
  it("matches lines by construct path and priced item, and usage lines by usage field", () => {
    expect(row("database/instance", /Instance hours/)).toEqual([
      { where: "database/instance", item: "Instance hours (db.t4g.micro, PostgreSQL, Single-AZ) → Instance hours (db.t4g.micro, PostgreSQL, Multi-AZ ×2)", a: 14.6, b: 29.2 },
    ]);
    expect(row("usage.s3StorageGb", /storage/)).toEqual([{ where: "usage.s3StorageGb", item: "S3 Standard storage", a: 2.0, b: 4.0 }]);
    expect(row("network/nat-a", /NAT/)).toEqual([expect.objectContaining({ a: undefined, b: 36.5 })]);
  });

  it("leaves free lines out, keeps not-priced lines as not priced, and sorts by the largest difference", () => {
    expect(rows.some((r) => r.where === "web/role")).toBe(false);
    expect(row("cache/cluster", /Not priced/)).toEqual([expect.objectContaining({ a: null, b: null })]);
    expect(rows.slice(0, 3).map((r) => r.where)).toEqual(["network/nat-a", "network/nat-b", "database/instance"]);
  });

  it("has differences that add up to the difference of the totals", () => {
    const sum = rows.reduce((s, r) => s + ((r.b ?? 0) - (r.a ?? 0)), 0);
    expect(sum).toBeCloseTo(big.monthlyTotalUsd - small.monthlyTotalUsd, 2);
    const md = costComparisonMarkdown(small, big);
    expect(md).toContain(`| **total** |  | **$${small.monthlyTotalUsd.toFixed(2)}** | **$${big.monthlyTotalUsd.toFixed(2)}** |`);
    expect(md).toContain("| network/nat-a | NAT gateway hours (its Elastic IP is priced on the aws_eip) | — | $36.50 | +$36.50 |");
    expect(md).toContain("Not priced: 2 line(s) in small, 2 in big");
  });
});
