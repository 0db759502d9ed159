/**
 * Turns `terraform show -json <plan>` into the Markdown a reviewer reads: counts per action, the
 * changes by resource type, a loud section for destructive changes to stateful resources, the
 * other replacements/deletions and updates with the attributes involved, and changed outputs.
 */
import { code, plural, table } from "./markdown";
import { Stack } from "./stack-json";

export type PlanAction = "create" | "update" | "replace" | "delete" | "read" | "no-op" | "forget";

/** The subset of terraform's JSON plan representation (format 1.x) used here. */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, Change>>;
}

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: Change & { readonly replace_paths?: readonly (readonly (string | number)[])[]; readonly importing?: unknown };
}

export interface Change {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

/**
 * Resource types whose deletion loses data (or, for a key, makes data unreadable). A delete or
 * replace of one of these is a destructive change.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: "RDS instance",
  aws_rds_cluster: "Aurora cluster",
  aws_rds_cluster_instance: "Aurora instance",
  aws_s3_bucket: "S3 bucket",
  aws_ebs_volume: "EBS volume",
  aws_dynamodb_table: "DynamoDB table",
  aws_efs_file_system: "EFS file system",
  aws_elasticache_cluster: "ElastiCache cluster",
  aws_elasticache_replication_group: "ElastiCache replication group",
  aws_docdb_cluster: "DocumentDB cluster",
  aws_neptune_cluster: "Neptune cluster",
  aws_redshift_cluster: "Redshift cluster",
  aws_opensearch_domain: "OpenSearch domain",
  aws_kinesis_stream: "Kinesis stream",
  aws_sqs_queue: "SQS queue (messages)",
  aws_kms_key: "KMS key (data encrypted with it)",
  aws_secretsmanager_secret: "Secrets Manager secret",
  aws_backup_vault: "Backup vault",
  aws_ecr_repository: "ECR repository",
  aws_cloudwatch_log_group: "CloudWatch log group (logs)",
};

const REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: "an attribute that cannot be updated in place changed",
  replace_because_tainted: "the resource is tainted",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "count index out of range",
  delete_because_each_key: "for_each key removed",
  delete_because_no_move_target: "moved to an address that does not exist",
};

/** The one action a resource change stands for (replace = delete and create, in either order). */
export function actionOf(actions: readonly string[]): PlanAction {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.length === 1 && ["create", "update", "delete", "read", "no-op", "forget"].includes(actions[0])) {
    return actions[0] as PlanAction;
  }
  if (actions.includes("forget")) return "forget";
  throw new Error(`unknown plan actions ${JSON.stringify(actions)}`);
}

export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly forget: number;
  readonly unchanged: number;
}

export interface DestructiveChange {
  readonly address: string;
  readonly type: string;
  readonly kind: string;
  readonly action: "replace" | "delete";
  readonly path?: string;
  readonly why: string;
}

export interface PlanSummary {
  readonly counts: PlanCounts;
  readonly destructive: readonly DestructiveChange[];
  readonly markdown: string;
}

export interface SummaryOptions {
  readonly environment: string;
  /** Offline plan: fake credentials, no refresh. Said loudly in the summary. */
  readonly offline?: boolean;
  /** The synthesized stack, to show construct paths next to terraform addresses. */
  readonly stack?: Stack;
  /** Extra lines under the title (how the plan was made, where the files are). */
  readonly notes?: readonly string[];
  /** Further Markdown sections (e.g. the monthly cost), placed after the changes by resource type. */
  readonly sections?: readonly string[];
}

const managed = (plan: PlanJson) => (plan.resource_changes ?? []).filter((c) => c.mode === "managed");

export function countActions(plan: PlanJson): PlanCounts {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, unchanged: 0 };
  for (const c of managed(plan)) {
    const action = actionOf(c.change.actions);
    if (action === "no-op" || action === "read") counts.unchanged++;
    else counts[action]++;
  }
  return counts;
}

/** "5 to create, 1 to update, 1 to replace, 0 to delete". */
export function headline(counts: PlanCounts): string {
  const parts = [`${counts.create} to create`, `${counts.update} to update`, `${counts.replace} to replace`, `${counts.delete} to delete`];
  if (counts.forget > 0) parts.push(`${counts.forget} to forget`);
  return parts.join(", ");
}

/** Attribute paths as `a.b[0].c`. */
const renderPath = (path: readonly (string | number)[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/** Top-level attributes whose value differs between before and after (or becomes unknown). */
export function changedAttributes(change: Change): string[] {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((k) => hasUnknown(unknown[k]) || JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .sort();
}

/** after_unknown mirrors the value with `true` at every leaf known only after apply. */
const hasUnknown = (u: unknown): boolean =>
  u === true || (typeof u === "object" && u !== null && Object.values(u).some(hasUnknown));

function why(c: ResourceChange): string {
  const parts: string[] = [];
  const forcing = (c.change.replace_paths ?? []).map(renderPath);
  if (forcing.length > 0) parts.push(`forced by ${forcing.map(code).join(", ")}`);
  if (c.action_reason && REASONS[c.action_reason]) parts.push(REASONS[c.action_reason]);
  if (c.deposed) parts.push(`deposed object ${c.deposed}`);
  return parts.join("; ") || "—";
}

function actionText(c: ResourceChange): string {
  const action = actionOf(c.change.actions);
  if (action !== "replace") return action;
  return c.change.actions[0] === "delete" ? "replace (delete, then create)" : "replace (create new, then delete old)";
}

function outputValue(value: unknown, unknown: unknown, sensitive: unknown): string {
  if (sensitive === true) return "(sensitive)";
  if (unknown === true) return "(known after apply)";
  if (value === undefined || value === null) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return code(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

export function summarizePlan(plan: PlanJson, options: SummaryOptions): PlanSummary {
  const changes = managed(plan);
  const counts = countActions(plan);
  const pathOf = (address: string) => options.stack?.resources.get(address)?.path;
  const where = (c: ResourceChange) => {
    const path = pathOf(c.address);
    return path ? `${code(c.address)}<br>${path}` : code(c.address);
  };

  const destructive: DestructiveChange[] = [];
  const otherRemovals: ResourceChange[] = [];
  for (const c of changes) {
    const action = actionOf(c.change.actions);
    if (action !== "replace" && action !== "delete") continue;
    if (STATEFUL_TYPES[c.type]) {
      destructive.push({ address: c.address, type: c.type, kind: STATEFUL_TYPES[c.type], action, path: pathOf(c.address), why: why(c) });
    } else {
      otherRemovals.push(c);
    }
  }

  const out: string[] = [];
  out.push(`# Plan summary: \`${options.environment}\``, "");
  out.push(`**${headline(counts)}** (${plural(counts.unchanged, "resource")} unchanged)`, "");
  if (options.offline) {
    out.push("> [!NOTE]", "> Offline plan: fake credentials, no refresh against AWS. It shows what the configuration would do to the recorded state; never apply it.", "");
  }
  if (plan.errored) out.push("> [!WARNING]", "> Terraform reported errors while planning: this plan is incomplete.", "");
  for (const note of options.notes ?? []) out.push(note);
  if (options.notes?.length) out.push("");

  out.push("## Destructive changes to stateful resources", "");
  if (destructive.length === 0) {
    out.push("None: no stateful resource (database, bucket, volume, table, queue, key, ...) is deleted or replaced.", "");
  } else {
    out.push(
      "> [!CAUTION]",
      `> **${plural(destructive.length, "stateful resource")} will be deleted or replaced.** Their data is lost unless it is restored from a backup or snapshot. Do not apply without an explicit decision.`,
      "",
      table(
        ["resource", "kind", "action", "why"],
        destructive.map((d) => [d.path ? `${code(d.address)}<br>${d.path}` : code(d.address), d.kind, `**${actionText(changes.find((c) => c.address === d.address)!)}**`, d.why]),
      ),
      "",
    );
  }

  out.push("## Changes by resource type", "");
  const byType = new Map<string, Record<PlanAction, number>>();
  for (const c of changes) {
    const row = byType.get(c.type) ?? { create: 0, update: 0, replace: 0, delete: 0, forget: 0, read: 0, "no-op": 0 };
    row[actionOf(c.change.actions)]++;
    byType.set(c.type, row);
  }
  const dash = (n: number) => (n === 0 ? "" : n);
  const typeRows = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, r]) => [code(type), dash(r.create), dash(r.update), dash(r.replace), dash(r.delete + r.forget), dash(r["no-op"] + r.read)]);
  out.push(typeRows.length > 0 ? table(["type", "create", "update", "replace", "delete", "unchanged"], typeRows) : "No managed resources.", "");
  for (const section of options.sections ?? []) out.push(section);

  if (otherRemovals.length > 0) {
    out.push("## Other replacements and deletions", "");
    out.push(table(["resource", "action", "why"], otherRemovals.map((c) => [where(c), actionText(c), why(c)])), "");
  }
  const updates = changes.filter((c) => actionOf(c.change.actions) === "update");
  if (updates.length > 0) {
    out.push("## Updates in place", "");
    out.push(table(["resource", "changed attributes"], updates.map((c) => [where(c), changedAttributes(c.change).map(code).join(", ") || "—"])), "");
  }
  const moved = changes.filter((c) => c.previous_address && c.previous_address !== c.address);
  const imported = changes.filter((c) => c.change.importing);
  if (moved.length + imported.length > 0) {
    out.push("## Moves and imports", "");
    for (const c of moved) out.push(`- ${code(c.previous_address!)} moved to ${code(c.address)}`);
    for (const c of imported) out.push(`- ${code(c.address)} is imported`);
    out.push("");
  }
  const drift = (plan.resource_drift ?? []).filter((c) => c.mode === "managed");
  if (drift.length > 0) {
    out.push("## Changed outside Terraform (drift)", "");
    for (const c of drift) out.push(`- ${code(c.address)}: ${actionOf(c.change.actions)}`);
    out.push("");
  }

  out.push("## Outputs", "");
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => actionOf(c.actions) !== "no-op")
    .sort(([a], [b]) => a.localeCompare(b));
  if (outputs.length === 0) {
    out.push("No output changes.", "");
  } else {
    out.push(
      table(
        ["output", "action", "before", "after"],
        outputs.map(([name, c]) => [
          code(name),
          actionOf(c.actions),
          outputValue(c.before, false, c.before_sensitive),
          outputValue(c.after, c.after_unknown, c.after_sensitive),
        ]),
      ),
      "",
    );
  }
  return { counts, destructive, markdown: out.join("\n") };
}
