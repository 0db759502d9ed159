/**
 * The cost of a plan, the way Infracost's diff shows it: the monthly estimate before (the
 * resources in the prior state, priced from their recorded attributes) and after (the planned
 * configuration), and the delta per changed resource. A fresh environment starts from $0.
 */
import type { UsageConfig } from "../../environments/config";
import { code, table } from "../markdown";
import { actionOf, PlanJson } from "../plan-summary";
import { Stack, StackResource } from "../stack-json";
import { estimateStack } from "./estimate";
import { lineWhere, usd } from "./format";
import { CostLine, Estimate, round2 } from "./model";
import { PriceBook } from "./prices";

export interface CostChange {
  /** Resource address, or `usage.<field>` for a usage line. */
  readonly address: string;
  readonly path?: string;
  /** Plan action ("create", "update", "replace", "delete", or "no-op" for a cost that moved with another change). */
  readonly action: string;
  /** Monthly USD of the priced lines. */
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly deltaUsd: number;
  /** Some line of it (before or after) is not priced: its true cost is unknown beyond these amounts. */
  readonly notPriced: boolean;
}

export interface CostDiff {
  readonly before: Estimate;
  readonly after: Estimate;
  readonly deltaUsd: number;
  readonly changes: readonly CostChange[];
}

/** The resources of the prior state, as a stack (their attributes as recorded by terraform). */
export function priorStateStack(plan: PlanJson, after: Stack): Stack {
  const resources = new Map<string, StackResource>();
  for (const c of plan.resource_changes ?? []) {
    if (c.mode !== "managed" || c.deposed || !c.change.before || typeof c.change.before !== "object") continue;
    const body = { ...(c.change.before as Record<string, unknown>) };
    // State does not record the provider alias; the configuration does (e.g. us-east-1 for a CloudFront WAF).
    const configured = after.resources.get(c.address)?.body.provider;
    if (configured !== undefined) body.provider = configured;
    resources.set(c.address, { address: c.address, mode: "managed", type: c.type, name: c.name, path: after.resources.get(c.address)?.path ?? c.address, body });
  }
  return { name: after.name, json: { provider: after.json.provider }, resources };
}

const total = (lines: readonly CostLine[]): number => round2(lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0));

export function costDiff(plan: PlanJson, after: Stack, options: { usage?: UsageConfig; prices?: PriceBook } = {}): CostDiff {
  const beforeEstimate = estimateStack(priorStateStack(plan, after), { ...options, environment: after.name });
  const afterEstimate = estimateStack(after, { ...options, environment: after.name });
  const actions = new Map<string, string>();
  for (const c of plan.resource_changes ?? []) if (c.mode === "managed" && !c.deposed) actions.set(c.address, actionOf(c.change.actions));
  const addresses = new Set([...beforeEstimate.lines, ...afterEstimate.lines].map((l) => l.address));
  const changes: CostChange[] = [];
  for (const address of [...addresses].sort()) {
    const b = beforeEstimate.lines.filter((l) => l.address === address);
    const a = afterEstimate.lines.filter((l) => l.address === address);
    const beforeUsd = total(b);
    const afterUsd = total(a);
    const notPriced = [...a, ...b].some((l) => l.monthlyUsd === null);
    const action = actions.get(address) ?? "no-op";
    const changed = action !== "no-op" && action !== "read";
    if (beforeUsd === afterUsd && (!changed || (beforeUsd === 0 && !notPriced))) continue;
    const line = a[0] ?? b[0];
    changes.push({
      address,
      path: address.startsWith("usage.") ? undefined : line.path,
      action: address.startsWith("usage.") ? "usage" : action,
      beforeUsd,
      afterUsd,
      deltaUsd: round2(afterUsd - beforeUsd),
      notPriced,
    });
  }
  return { before: beforeEstimate, after: afterEstimate, deltaUsd: round2(afterEstimate.monthlyTotalUsd - beforeEstimate.monthlyTotalUsd), changes };
}

export const signed = (n: number): string => `${n < 0 ? "-" : "+"}${usd(Math.abs(n))}`;

/** The "Monthly cost" section of summary.md. */
export function costDiffMarkdown(diff: CostDiff, environment: string): string {
  const { before, after } = diff;
  const out = ["## Monthly cost", ""];
  out.push(
    `**${usd(before.monthlyTotalUsd)} → ${usd(after.monthlyTotalUsd)} per month (${signed(diff.deltaUsd)})**, on-demand prices of ${after.priceDate} ` +
      `(fixed ${usd(before.fixedMonthlyUsd)} → ${usd(after.fixedMonthlyUsd)}, usage-based ${usd(before.usageMonthlyUsd)} → ${usd(after.usageMonthlyUsd)} from the usage assumptions in ${code(`environments/${environment}.ts`)}). ` +
      `${code(`npm run cost -- ${environment}`)} lists every line.`,
    "",
  );
  if (after.notPriced + before.notPriced > 0) {
    out.push("> [!WARNING]", `> ${after.notPriced} line(s) after and ${before.notPriced} before are **not priced**: their cost is unknown and not in these totals.`, "");
  }
  if (diff.changes.length === 0) {
    out.push("No change in cost.", "");
    return out.join("\n");
  }
  const rows = diff.changes.map((c) => {
    const where = c.address.startsWith("usage.")
      ? lineWhere(after.lines.find((l) => l.address === c.address) ?? before.lines.find((l) => l.address === c.address)!)
      : c.path && c.path !== c.address ? `${code(c.address)}<br>${c.path}` : code(c.address);
    const unknown = c.notPriced ? " + not priced" : "";
    return [where, c.action, `${usd(c.beforeUsd)}${unknown}`, `${usd(c.afterUsd)}${unknown}`, `${signed(c.deltaUsd)}${unknown}`];
  });
  out.push(table(["resource", "action", "before", "after", "delta"], rows), "");
  return out.join("\n");
}
