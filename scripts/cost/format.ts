/** Renders an estimate: a terminal table (cli-table3) and Markdown pieces for plan reviews. */
import Table from "cli-table3";
import { CostLine, Estimate } from "./model";

export const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const qty = (n: number): string => n.toLocaleString("en-US", { maximumFractionDigits: n < 10 ? 3 : 1 });
/** Unit prices below a tenth of a cent read better per million units ("$0.40 per million"). */
const unitPrice = (n: number): string => (n < 0.001 ? `$${+(n * 1e6).toPrecision(4)} per million` : `$${+n.toPrecision(4)}`);

/** "730 hours × $0.0092" or the reason a line is not priced. */
export function lineDetail(l: CostLine): string {
  if (l.basis === "not priced") return `not priced: ${l.note ?? ""}`;
  if (l.basis === "free") return l.note ?? "free";
  const base = l.quantity !== undefined && l.unitPriceUsd !== undefined ? `${qty(l.quantity)} ${l.unit ?? ""} × ${unitPrice(l.unitPriceUsd)}` : "";
  return l.note ? `${base} (${l.note})` : base;
}

export const lineAmount = (l: CostLine): string => (l.monthlyUsd === null ? "not priced" : usd(l.monthlyUsd));

/** Where a line belongs: construct path (or address), or the usage field it comes from. */
export const lineWhere = (l: CostLine): string => (l.address.startsWith("usage.") ? `${l.address} (${l.covers?.length ?? 0} ${l.type})` : l.path ?? l.address);

/** The terminal report: priced and not-priced lines, free resources summarized, then the totals. */
export function estimateTable(e: Estimate): string {
  const table = new Table({ head: ["resource", "priced item", "quantity × unit price", "monthly"], colAligns: ["left", "left", "left", "right"], wordWrap: true, colWidths: [34, 40, 40, 12], style: { head: [], border: [] } });
  const shown = e.lines.filter((l) => l.basis !== "free");
  for (const l of [...shown].sort((a, b) => (b.monthlyUsd ?? Infinity) - (a.monthlyUsd ?? Infinity))) {
    table.push([lineWhere(l), `${l.item}${l.basis === "usage" ? " [usage]" : ""}`, lineDetail(l), lineAmount(l)]);
  }
  const free = e.lines.filter((l) => l.basis === "free");
  const byType = new Map<string, number>();
  for (const l of free) byType.set(l.type, (byType.get(l.type) ?? 0) + 1);
  const out = [`Monthly cost estimate: ${e.environment} (${e.region}), prices of ${e.priceDate} (${e.currency}, on-demand, 730 h/month)`, table.toString()];
  out.push(`Free: ${free.length} item(s) (${[...byType].map(([t, n]) => `${t} ×${n}`).join(", ")})`);
  out.push(`Fixed:        ${usd(e.fixedMonthlyUsd)}/month`);
  out.push(`Usage-based:  ${usd(e.usageMonthlyUsd)}/month (from usage assumptions in environments/${e.environment}.ts)`);
  out.push(`Total:        ${usd(e.monthlyTotalUsd)}/month`);
  if (e.notPriced > 0) out.push(`Not priced:   ${e.notPriced} line(s): their cost is unknown, not included above`);
  return out.join("\n");
}

/** The README's cost block: each environment's totals and its five largest lines (`npm run cost -- --readme`). */
export function readmeCostBlock(estimates: readonly Estimate[]): string {
  const priceDate = estimates[0]?.priceDate ?? "";
  const out = [
    `Prices of ${priceDate} (on-demand, USD, 730 h/month), usage from each environment's \`usage\` assumptions:`,
    "",
    "| environment | fixed | usage-based | total per month | not priced |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...estimates.map((e) => `| ${e.environment} | ${usd(e.fixedMonthlyUsd)} | ${usd(e.usageMonthlyUsd)} | **${usd(e.monthlyTotalUsd)}** | ${e.notPriced} |`),
  ];
  for (const e of estimates) {
    const top = [...e.lines].filter((l) => l.monthlyUsd !== null).sort((a, b) => b.monthlyUsd! - a.monthlyUsd! || a.address.localeCompare(b.address)).slice(0, 5);
    out.push("", `Largest lines of **${e.environment}**:`);
    for (const l of top) out.push(`- ${usd(l.monthlyUsd!)} ${lineWhere(l).replace(/ \(\d+ [a-z0-9_]+\)$/, "")}: ${l.item}`);
  }
  return out.join("\n");
}
