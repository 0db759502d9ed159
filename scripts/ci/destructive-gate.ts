/**
 * The pull-request gate for destructive changes:
 *
 *   destructive-gate.ts <plan.json> [--labels '<JSON array of label names>'] [--allow-label allow-destroy]
 *
 * Fails (exit 1) when the plan (`terraform show -json`) deletes or replaces any resource, unless
 * the pull request carries the acknowledging label. Any deletion counts, not only stateful
 * resources: a replaced instance or a deleted route is an outage too, and the label is cheap.
 * Prints a Markdown verdict (also used in the PR comment).
 */
import { readFileSync } from "fs";
import { STATEFUL_TYPES } from "../plan-summary";

export const ALLOW_LABEL = "allow-destroy";

export interface GatePlan {
  readonly resource_changes?: readonly { readonly address: string; readonly type: string; readonly mode?: string; readonly change: { readonly actions: readonly string[] } }[];
}

export interface Destruction {
  readonly address: string;
  readonly action: "delete" | "replace";
  /** Set for resources whose deletion loses data (RDS, S3 buckets, volumes, tables, ...). */
  readonly stateful?: string;
}

export interface GateResult {
  readonly destructions: readonly Destruction[];
  readonly acknowledged: boolean;
  readonly passed: boolean;
  readonly markdown: string;
}

export function destructions(plan: GatePlan): Destruction[] {
  return (plan.resource_changes ?? [])
    .filter((r) => r.mode !== "data" && r.change.actions.includes("delete"))
    .map((r) => ({
      address: r.address,
      action: r.change.actions.includes("create") ? ("replace" as const) : ("delete" as const),
      ...(STATEFUL_TYPES[r.type] ? { stateful: STATEFUL_TYPES[r.type] } : {}),
    }));
}

export function evaluateGate(plan: GatePlan, labels: readonly string[], allowLabel = ALLOW_LABEL): GateResult {
  const found = destructions(plan);
  const acknowledged = labels.includes(allowLabel);
  const passed = found.length === 0 || acknowledged;
  const lines = found.map((d) => `- **${d.action.toUpperCase()}** \`${d.address}\`${d.stateful ? ` — stateful: ${d.stateful}, its data is lost` : ""}`);
  const markdown =
    found.length === 0
      ? "✅ No resource is deleted or replaced."
      : [
          acknowledged
            ? `⚠️ ${found.length} resource(s) deleted or replaced — acknowledged with the \`${allowLabel}\` label.`
            : `❌ ${found.length} resource(s) deleted or replaced. Add the \`${allowLabel}\` label to the pull request to acknowledge, or change the plan.`,
          "",
          ...lines,
        ].join("\n");
  return { destructions: found, acknowledged, passed, markdown };
}

/** Labels as given by `toJSON(github.event.pull_request.labels.*.name)`; empty/absent = none. */
export function parseLabels(text: string | undefined): string[] {
  if (!text || text.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`--labels must be a JSON array of label names, got ${JSON.stringify(text)}`);
  }
  if (!Array.isArray(parsed) || parsed.some((l) => typeof l !== "string")) throw new Error(`--labels must be a JSON array of label names, got ${JSON.stringify(text)}`);
  return parsed as string[];
}

export function main(args: string[], out: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): number {
  const [planPath] = args;
  const opt = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
  if (!planPath || planPath.startsWith("--")) {
    out("Usage: destructive-gate.ts <plan.json> [--labels '<JSON array>'] [--allow-label allow-destroy]");
    return 1;
  }
  try {
    const plan = JSON.parse(readFileSync(planPath, "utf8")) as GatePlan;
    const result = evaluateGate(plan, parseLabels(opt("--labels")), opt("--allow-label") ?? ALLOW_LABEL);
    out(result.markdown);
    return result.passed ? 0 : 1;
  } catch (error) {
    out(`destructive-gate: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
