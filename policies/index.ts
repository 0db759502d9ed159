/**
 * Guardrails: policy-as-code over the synthesized Terraform JSON of each stack.
 * - applyGuardrails(stack, relaxations): fail `cdktf synth` on error-level violations.
 * - evaluateStack(json, { relaxations }): the same evaluation as a library (tests, scripts/check.ts).
 */
export { applyGuardrails, describeGuardrailFailure, registeredRelaxations, resolvedStackJson } from "./apply";
export type { GuardrailOptions } from "./apply";
export { evaluateStack, formatSummary, formatViolation } from "./engine";
export type { EvaluateOptions } from "./engine";
export type { TerraformJson } from "./model";
export { ALL_RULES, RULE_IDS, findRule } from "./rules";
export type { Relaxation, Result, Rule, Severity, StackReport, Verdict } from "./types";
