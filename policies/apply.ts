/**
 * Synth-time integration with cdktf. The cdktf imports are kept to this file (and to core names
 * that CDK Terrain, `cdktn`, exports under the same deep paths) so that swapping is one edit.
 */
import { Annotations, TerraformStack } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { IConstruct } from "constructs";
import { EvaluateOptions, evaluateStack, formatRelaxedRules, formatSummary, formatViolation } from "./engine";
import { TerraformJson } from "./model";
import { Relaxation, StackReport } from "./types";

export interface GuardrailOptions {
  /** Receives the per-stack summary at synth (default: stdout; errors also fail the synth). `() => {}` silences it. */
  readonly log?: (summary: string) => void;
  /** "Today" for date-based rules (default: now). */
  readonly now?: Date;
  /** The environment is `production: true` (default true: the stricter reading). */
  readonly production?: boolean;
  /** The environment's usage assumptions, for the budget guardrail's cost estimate (WP-COST-001). */
  readonly usage?: EvaluateOptions["usage"];
}

interface Registration {
  readonly relaxations: readonly Relaxation[];
  readonly options: GuardrailOptions;
}

const registrations = new WeakMap<TerraformStack, Registration>();

/** Marks guardrail messages inside cdktf's "Validation failed" error. */
const TAG = "guardrails:";

/**
 * Registers the guardrail rules as a validation of `stack`: on `cdktf synth` (and `app.synth()`)
 * the stack's resolved Terraform JSON is evaluated before it is written. Error-level violations
 * fail the synth (one line each: rule id, address, construct path, fix); warnings and relaxations
 * are printed (a per-stack summary on stdout) and attached as cdktf annotations (shown by the cdktf CLI).
 *
 * Call it once per stack, at the end of the stack's constructor:
 *   applyGuardrails(this, env.guardrails?.relaxations ?? []);
 */
export function applyGuardrails(stack: TerraformStack, relaxations: readonly Relaxation[] = [], options: GuardrailOptions = {}): void {
  if (registrations.has(stack)) throw new Error(`${stack.node.path}: applyGuardrails was already called for this stack`);
  registrations.set(stack, { relaxations, options });
  stack.node.addValidation({
    validate: () => {
      // Aspects have run and tokens resolve at this point (the synthesizer validates just before writing).
      const report = evaluateStack(stack.toTerraform() as TerraformJson, { stack: stack.node.id, relaxations, now: options.now, production: options.production, usage: options.usage });
      annotate(stack, report);
      (options.log ?? ((text) => process.stdout.write(`${text}\n`)))(formatSummary(report));
      return report.results.filter((r) => r.verdict === "error").map((r) => `${TAG} ${formatViolation(r)}`);
    },
  });
}

/** The relaxations applyGuardrails registered for `stack`, or undefined when it was not called. */
export function registeredRelaxations(stack: TerraformStack): readonly Relaxation[] | undefined {
  return registrations.get(stack)?.relaxations;
}

/**
 * The resolved Terraform JSON of a stack without writing anything or running validations (for the
 * CLI): prepares the stack like `app.synth()` does, runs its aspects, then resolves it.
 */
export function resolvedStackJson(stack: TerraformStack): TerraformJson {
  stack.prepareStack();
  invokeAspects(stack);
  return stack.toTerraform() as TerraformJson;
}

/**
 * For main.ts: the guardrail part of a failed synth as one clean message (no stack trace), or
 * undefined when `error` is not a guardrail failure.
 */
export function describeGuardrailFailure(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.message.includes(`] ${TAG} `)) return undefined;
  const lines = error.message.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("["));
  return [`Guardrails failed: ${lines.length} error-level violation(s) (fix the construct or add a justified relaxation to the environment):`, ...lines.map((l) => `  ${l}`)].join("\n");
}

function annotate(stack: TerraformStack, report: StackReport): void {
  const byPath = new Map<string, IConstruct>(stack.node.findAll().map((c) => [c.node.path, c]));
  const at = (path: string): IConstruct => byPath.get(path) ?? stack;
  for (const r of report.results) {
    if (r.verdict === "warning") Annotations.of(at(r.path)).addWarning(`${TAG} ${formatViolation(r)}`);
  }
  // One line per stack, not one per relaxed rule: the CLI prints every annotation on each synth.
  const relaxed = formatRelaxedRules(report);
  if (relaxed) Annotations.of(stack).addInfo(`${TAG} ${relaxed}`);
  for (const r of report.unusedRelaxations) Annotations.of(stack).addWarning(`${TAG} relaxation ${r.rule} matches nothing in ${stack.node.id}; remove it`);
}
