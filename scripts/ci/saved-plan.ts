/**
 * The saved-plan check of the prod deploy: a plan is applied only to the state it was made from.
 *
 *   record <planDir>                      after `npm run plan`: writes <planDir>/saved-plan.json (plan sha256,
 *                                         state lineage and serial the plan was made from, code tree, changes)
 *   verify <planDir> [--tree <git tree>]  without credentials (before asking for approval): the plan file is the
 *                                         recorded one and was made from this code
 *   check <planDir> --state <pulled.json> [--tree <git tree>]
 *                                         before `terraform apply <plan>`: exits 1 with one line when the plan file,
 *                                         the state (`terraform state pull` output) or the code differs from then
 *
 * The state the plan was made from is read from the plan file itself (a zip whose `tfstate` entry is
 * the prior state): the same lineage/serial terraform compares ("Saved plan is stale"), checked
 * explicitly and before terraform is even asked, with a message saying what to do.
 */
import { createHash } from "crypto";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { unzipSync } from "fflate";

export interface StateMeta {
  /** Empty for "no state yet". */
  readonly lineage: string;
  readonly serial: number;
}

export interface SavedPlanRecord extends StateMeta {
  readonly planSha256: string;
  /** `git rev-parse HEAD^{tree}` of the code the plan was made from (when known). */
  readonly tree?: string;
  /** Whether applying would change anything (resources or outputs). */
  readonly hasChanges: boolean;
}

export const RECORD_FILE = "saved-plan.json";
export const PLAN_FILE = "plan.tfplan";

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function metaOf(json: unknown, what: string): StateMeta {
  const state = json as { lineage?: unknown; serial?: unknown } | null;
  if (!state || typeof state !== "object") throw new Error(`${what} is not a terraform state`);
  const lineage = typeof state.lineage === "string" ? state.lineage : "";
  const serial = typeof state.serial === "number" ? state.serial : 0;
  return { lineage, serial };
}

/** Lineage and serial of the state a saved plan was made from (the plan file's `tfstate` entry). */
export function planPriorState(plan: Uint8Array): StateMeta {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(plan, { filter: (f) => f.name === "tfstate" });
  } catch (error) {
    throw new Error(`not a terraform plan file (${(error as Error).message})`);
  }
  if (!entries.tfstate) throw new Error("not a terraform plan file (no tfstate entry)");
  return metaOf(JSON.parse(Buffer.from(entries.tfstate).toString("utf8")), "the plan's tfstate entry");
}

/** `terraform state pull` output: empty when there is no state yet. */
export function pulledState(text: string): StateMeta {
  if (text.trim() === "") return { lineage: "", serial: 0 };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("the pulled state is not JSON (expected the output of `terraform state pull`)");
  }
  return metaOf(json, "the pulled state");
}

export interface CheckInput {
  readonly record: SavedPlanRecord;
  readonly plan: Uint8Array;
  readonly current: StateMeta;
  readonly tree?: string;
}

/**
 * What can be checked without AWS credentials: the plan file is the recorded one, made from the
 * state its record names, and (when `tree` is given) from the code about to be deployed.
 */
export function artifactRefusal({ record, plan, tree }: Omit<CheckInput, "current">): string | undefined {
  const digest = sha256(plan);
  if (digest !== record.planSha256) return `the plan file's sha256 is ${digest}, not the reviewed ${record.planSha256}: it is not the plan that was reviewed.`;
  const prior = planPriorState(plan);
  if (prior.lineage !== record.lineage || prior.serial !== record.serial) {
    return `the plan file was made from state ${describe(prior)}, but its record says ${describe(record)}.`;
  }
  if (tree !== undefined && record.tree === undefined) return "the plan's record names no code tree: it cannot be shown to match the code to deploy. Re-plan.";
  if (tree !== undefined && tree !== record.tree) {
    return `the code to deploy (tree ${tree}) is not the code the plan was made from (tree ${record.tree}): the branch was behind its base when it was planned. Open a pull request to re-plan.`;
  }
  return undefined;
}

/** Undefined when the plan may be applied, else the reason it may not (one line). */
export function refusal(input: CheckInput): string | undefined {
  const artifact = artifactRefusal(input);
  if (artifact) return artifact;
  const prior = planPriorState(input.plan);
  const { current } = input;
  const first = prior.lineage === "" && prior.serial === 0;
  if (first ? current.serial !== 0 || current.lineage !== "" : current.lineage !== prior.lineage) {
    return `the state is now ${describe(current)}, not ${describe(prior)} as when the plan was made: a different state. Re-plan.`;
  }
  if (current.serial !== prior.serial) {
    return `the state changed since the plan was made (serial ${prior.serial} then, ${current.serial} now): the plan is stale. Re-plan.`;
  }
  return undefined;
}

const describe = (s: StateMeta) => (s.lineage === "" && s.serial === 0 ? "(no state)" : `lineage ${s.lineage} serial ${s.serial}`);

/** Whether a `terraform show -json` plan changes any resource or output. */
export function planHasChanges(planJson: { resource_changes?: { change: { actions: string[] } }[]; output_changes?: Record<string, { actions: string[] }> }): boolean {
  const changes = (actions: string[]) => !(actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read"));
  return (planJson.resource_changes ?? []).some((r) => changes(r.change.actions)) || Object.values(planJson.output_changes ?? {}).some((o) => changes(o.actions));
}

export function recordPlan(planDir: string, tree?: string): SavedPlanRecord {
  const plan = readFileSync(join(planDir, PLAN_FILE));
  const prior = planPriorState(plan);
  const record: SavedPlanRecord = {
    planSha256: sha256(plan),
    ...prior,
    ...(tree ? { tree } : {}),
    hasChanges: planHasChanges(JSON.parse(readFileSync(join(planDir, "plan.json"), "utf8"))),
  };
  writeFileSync(join(planDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function main(args: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const [command, planDir] = args;
  if (!["record", "verify", "check"].includes(command) || !planDir) {
    out("Usage: saved-plan.ts record <planDir> [--tree <sha>] | verify <planDir> [--tree <sha>] | check <planDir> --state <pulled.json> [--tree <sha>]");
    return 1;
  }
  try {
    const tree = option(args, "--tree");
    if (command === "record") {
      const record = recordPlan(planDir, tree);
      out(`Recorded ${join(planDir, RECORD_FILE)}: plan sha256 ${record.planSha256}, made from ${describe(record)}${record.hasChanges ? "" : ", no changes"}.`);
      return 0;
    }
    if (command === "verify") {
      const record = JSON.parse(readFileSync(join(planDir, RECORD_FILE), "utf8")) as SavedPlanRecord;
      const reason = artifactRefusal({ record, plan: readFileSync(join(planDir, PLAN_FILE)), tree });
      out(reason ? `Refusing to apply: ${reason}` : `Plan sha256 ${record.planSha256}, made from this code and ${describe(record)}; the state is checked again before the apply.`);
      return reason ? 1 : 0;
    }
    const statePath = option(args, "--state");
    if (!statePath || !existsSync(statePath)) throw new Error("--state <file> (the output of `terraform state pull`) is required");
    const record = JSON.parse(readFileSync(join(planDir, RECORD_FILE), "utf8")) as SavedPlanRecord;
    const reason = refusal({ record, plan: readFileSync(join(planDir, PLAN_FILE)), current: pulledState(readFileSync(statePath, "utf8")), tree });
    if (reason) {
      out(`Refusing to apply: ${reason}`);
      return 1;
    }
    out(`OK to apply: plan sha256 ${record.planSha256}, state unchanged since the plan (${describe(record)}).`);
    return 0;
  } catch (error) {
    out(`Refusing to apply: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
