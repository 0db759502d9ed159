import { StackModel, TerraformJson } from "./model";
import { ALL_RULES } from "./rules";
import { EvaluationContext, Relaxation, Result, Rule, StackReport } from "./types";

export interface EvaluateOptions {
  /** Stack name (default: from the JSON metadata). */
  readonly stack?: string;
  /** This environment's relaxations (environments/<env>.ts `guardrails.relaxations`). */
  readonly relaxations?: readonly Relaxation[];
  /** Rules to run (default: all). */
  readonly rules?: readonly Rule[];
  /** "Today" for date-based rules (default: now). */
  readonly now?: Date;
  /** The environment is `production: true` (default true: the stricter reading). */
  readonly production?: boolean;
  /** The environment's usage assumptions (cost estimate, WP-COST-001). */
  readonly usage?: EvaluationContext["usage"];
}

/**
 * Runs the rules over one synthesized stack (`cdk.tf.json`, parsed) and applies the relaxations.
 * Pure: no cdktf, no file system. Results are ordered by rule, then address.
 */
export function evaluateStack(json: TerraformJson, options: EvaluateOptions = {}): StackReport {
  const model = new StackModel(json, options.stack);
  const rules = options.rules ?? ALL_RULES;
  const relaxations = options.relaxations ?? [];
  const used = new Set<Relaxation>();
  const context: EvaluationContext = { now: options.now ?? new Date(), production: options.production ?? true, usage: options.usage };
  const results: Result[] = [];

  for (const rule of rules) {
    const seen = new Set<string>();
    for (const check of rule.evaluate(model, context)) {
      const { block, violation } = check;
      const key = `${block.address}\u0000${violation ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const severity = check.severity ?? rule.severity;
      const base = { rule: rule.id, severity, address: block.address, path: block.path };
      if (violation === undefined) {
        results.push({ ...base, verdict: "pass" });
        continue;
      }
      const relaxation = relaxations.find((r) => r.rule === rule.id && inScope(model.relativePath(block), r.scope));
      if (relaxation) {
        used.add(relaxation);
        results.push({ ...base, verdict: "relaxed", message: violation, reason: relaxation.reason });
      } else {
        results.push({ ...base, verdict: severity, message: violation, fix: rule.fix });
      }
    }
  }
  // A resource that passes one check of a rule but fails another shows both; keep the pass only
  // when the resource has no violation of that rule.
  const failing = new Set(results.filter((r) => r.verdict !== "pass").map((r) => `${r.rule} ${r.address}`));
  const final = results.filter((r) => r.verdict !== "pass" || !failing.has(`${r.rule} ${r.address}`));
  const count = (verdict: Result["verdict"]) => final.filter((r) => r.verdict === verdict).length;
  const summary = { checks: final.length, passed: count("pass"), errors: count("error"), warnings: count("warning"), relaxed: count("relaxed") };
  return {
    stack: model.stackName,
    rules: rules.length,
    results: final,
    summary,
    unusedRelaxations: relaxations.filter((r) => !used.has(r)),
    ok: summary.errors === 0,
  };
}

/** "web/launch-template" is in scope "web" (whole path segments), and everything is in no scope. */
function inScope(relativePath: string, scope: string | undefined): boolean {
  if (scope === undefined) return true;
  const s = scope.replace(/^\/+|\/+$/g, "");
  return relativePath === s || relativePath.startsWith(`${s}/`);
}

/** One line per violation: "WP-RDS-006 error aws_db_instance.x (dev/database/instance): ... Fix: ...". */
export function formatViolation(result: Result): string {
  const head = `${result.rule} ${result.verdict} ${result.address} (${result.path}): ${result.message}`;
  if (result.verdict === "relaxed") return `${head} [relaxed: ${result.reason}]`;
  return result.fix ? `${head}. Fix: ${result.fix}` : head;
}

/**
 * A short, human summary of one stack's report for the synth output: the counts, every error and
 * warning, one line for the relaxed rules (their list and reasons are in `npm run check -- <env>`:
 * repeating them on every synth, diff and deploy buried the lines that matter), then unused
 * relaxations.
 */
export function formatSummary(report: StackReport): string {
  const s = report.summary;
  const lines = [
    `guardrails ${report.stack}: ${report.rules} rules, ${s.checks} checks: ${s.passed} passed, ${s.errors} errors, ${s.warnings} warnings, ${s.relaxed} relaxed`,
  ];
  for (const r of report.results.filter((r) => r.verdict === "error" || r.verdict === "warning")) {
    lines.push(`  ${formatViolation(r)}`);
  }
  const relaxedLine = formatRelaxedRules(report);
  if (relaxedLine) lines.push(`  ${relaxedLine}`);
  for (const r of report.unusedRelaxations) {
    lines.push(`  unused relaxation ${r.rule}${r.scope ? ` (scope ${r.scope})` : ""}: nothing in this stack violates it`);
  }
  return lines.join("\n");
}

/** "dev: 16 rules relaxed (npm run check -- dev lists them)", or undefined when none is. */
export function formatRelaxedRules(report: StackReport): string | undefined {
  const rules = new Set(report.results.filter((r) => r.verdict === "relaxed").map((r) => r.rule));
  if (rules.size === 0) return undefined;
  return `${report.stack}: ${rules.size} rule${rules.size === 1 ? "" : "s"} relaxed (npm run check -- ${report.stack} lists them)`;
}
