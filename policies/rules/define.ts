import { Block, StackModel } from "../model";
import { Check, EvaluationContext, Rule, Severity } from "../types";

/** Not applicable: the rule does not look at this resource (no Check is recorded). */
export const SKIP = Symbol("skip");

/** A violation whose severity differs from the rule's (see Check.severity). */
export interface GradedViolation {
  readonly violation: string;
  readonly severity: Severity;
}

/** undefined = passes, a string = the violation, SKIP = not applicable. */
export type Outcome = string | GradedViolation | undefined | typeof SKIP;

/** A rule evaluated once per resource of the given types. */
export function perResource(
  spec: Omit<Rule, "evaluate">,
  types: readonly string[],
  check: (block: Block, model: StackModel, context: EvaluationContext) => Outcome,
): Rule {
  return {
    ...spec,
    evaluate(model, context) {
      const checks: Check[] = [];
      for (const block of model.all(...types)) {
        const outcome = check(block, model, context);
        if (outcome === SKIP) continue;
        checks.push(typeof outcome === "object" ? { block, ...outcome } : { block, violation: outcome });
      }
      return checks;
    },
  };
}

/** A rule that produces its own checks (several per resource, or on related resources). */
export function custom(spec: Omit<Rule, "evaluate">, evaluate: Rule["evaluate"]): Rule {
  return { ...spec, evaluate };
}
