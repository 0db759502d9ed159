/**
 * Two environments' cost estimates side by side (`npm run compare-envs`): lines are matched by
 * construct path and priced item (usage lines by their usage field), so that equal constructs
 * line up whatever their logical ids.
 */
import { table } from "../markdown";
import { usd } from "./format";
import { CostLine, Estimate, round2 } from "./model";
import { signed } from "./plan-cost";

export interface CostRow {
  /** Construct path, or `usage.<field>`. */
  readonly where: string;
  readonly item: string;
  /** Monthly USD in each environment: undefined when absent there, null when not priced. */
  readonly a: number | null | undefined;
  readonly b: number | null | undefined;
}

const rowKey = (l: CostLine) => `${l.address.startsWith("usage.") ? l.address : l.path ?? l.address}\u0000${l.key}`;

/** The priced lines of both estimates, matched; free lines are left out. Largest difference first. */
export function compareCosts(a: Estimate, b: Estimate): CostRow[] {
  const rows = new Map<string, { where: string; item: string; a?: number | null; b?: number | null }>();
  for (const [side, estimate] of [["a", a], ["b", b]] as const) {
    for (const l of estimate.lines.filter((x) => x.basis !== "free")) {
      const key = rowKey(l);
      const row = rows.get(key) ?? { where: l.address.startsWith("usage.") ? l.address : l.path ?? l.address, item: l.item };
      if (side === "b" && row.item !== l.item) row.item = row.a === undefined ? l.item : `${row.item} → ${l.item}`;
      row[side] = l.monthlyUsd === null || row[side] === null ? null : round2((row[side] ?? 0) + l.monthlyUsd);
      rows.set(key, row);
    }
  }
  const diff = (r: CostRow) => Math.abs((r.b ?? 0) - (r.a ?? 0));
  return [...rows.values()].map((r) => ({ where: r.where, item: r.item, a: r.a, b: r.b })).sort((x, y) => diff(y) - diff(x) || x.where.localeCompare(y.where));
}

const cell = (v: number | null | undefined) => (v === undefined ? "—" : v === null ? "not priced" : usd(v));

/** The "Monthly cost" section of the comparison. */
export function costComparisonMarkdown(a: Estimate, b: Estimate): string {
  const rows = compareCosts(a, b);
  const out = ["## Monthly cost", ""];
  out.push(
    `**${a.environment} ${usd(a.monthlyTotalUsd)}, ${b.environment} ${usd(b.monthlyTotalUsd)} per month (${signed(round2(b.monthlyTotalUsd - a.monthlyTotalUsd))})**, on-demand prices of ${b.priceDate}; usage-based lines follow each environment's usage assumptions. Line by line, largest difference first:`,
    "",
  );
  const body = rows.map((r) => {
    const delta = r.a === null || r.b === null ? "?" : signed(round2((r.b ?? 0) - (r.a ?? 0)));
    return [r.where, r.item, cell(r.a), cell(r.b), delta];
  });
  body.push(["**total**", "", `**${usd(a.monthlyTotalUsd)}**`, `**${usd(b.monthlyTotalUsd)}**`, `**${signed(round2(b.monthlyTotalUsd - a.monthlyTotalUsd))}**`]);
  out.push(table(["resource", "priced item", a.environment, b.environment, "difference"], body), "");
  if (a.notPriced + b.notPriced > 0) out.push(`Not priced: ${a.notPriced} line(s) in ${a.environment}, ${b.notPriced} in ${b.environment} (unknown cost, not in the totals).`, "");
  return out.join("\n");
}
