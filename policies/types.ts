import type { UsageConfig } from "../environments/config";
import { Block, StackModel } from "./model";

/** error: fails synth. warning: reported (synth output, `npm run check`), does not fail synth. */
export type Severity = "error" | "warning";

/** The AWS area a rule belongs to (groups the catalogue and the README table). */
export type Service =
  | "VPC"
  | "Security groups"
  | "EC2"
  | "CloudFront"
  | "EBS"
  | "RDS"
  | "S3"
  | "Lambda"
  | "DynamoDB"
  | "IAM"
  | "CloudWatch"
  | "CloudWatch Logs"
  | "SNS"
  | "SQS"
  | "KMS"
  | "Secrets"
  | "State"
  | "Cost";

/** What a rule found on one resource: passed (no violation) or the violation, in one sentence. */
export interface Check {
  readonly block: Block;
  /** Present when the resource violates the rule. */
  readonly violation?: string;
  /** This violation's severity when it differs from the rule's (e.g. a date that is near: warning; past: error). */
  readonly severity?: Severity;
}

export interface EvaluationContext {
  /** "Today" for date-based rules (Lambda runtime deprecation). */
  readonly now: Date;
  /** The environment is `production: true` (some rules are stricter there). */
  readonly production: boolean;
  /** The environment's usage assumptions, for the cost estimate (WP-COST-001); absent: fixed costs only. */
  readonly usage?: UsageConfig;
}

export interface Rule {
  /** Stable id, `WP-<AREA>-<NNN>`. Never reuse or renumber: environment relaxations name it. */
  readonly id: string;
  readonly service: Service;
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly title: string;
  /** One line: why it matters. */
  readonly explanation: string;
  /** One line: how to fix a violation (construct prop or Terraform argument). */
  readonly fix: string;
  /** Equivalent checkov ids (CKV_AWS_* / CKV2_AWS_*), when one exists. */
  readonly checkov: readonly string[];
  /** Equivalent cdk-nag AwsSolutions rule ids, when one exists. */
  readonly cdkNag: readonly string[];
  /** One Check per resource the rule applies to. */
  evaluate(model: StackModel, context: EvaluationContext): readonly Check[];
}

/** An environment's explicit, justified exception to one rule (environments/<env>.ts). */
export interface Relaxation {
  /** Rule id, e.g. "WP-RDS-005". */
  readonly rule: string;
  /** Why this environment accepts the risk. Shown in synth output, `npm run check` and the README. */
  readonly reason: string;
  /**
   * Limit the relaxation to constructs under this path, relative to the stack (e.g. "web" or
   * "database/instance"). Absent: the whole stack.
   */
  readonly scope?: string;
}

/** pass: compliant. error/warning: an unrelaxed violation of that severity. relaxed: a violation an environment accepted. */
export type Verdict = "pass" | "error" | "warning" | "relaxed";

export interface Result {
  readonly rule: string;
  readonly severity: Severity;
  readonly verdict: Verdict;
  /** Terraform address, e.g. "aws_db_instance.database_instance_D7FC2283". */
  readonly address: string;
  /** Construct path, e.g. "dev/database/instance". */
  readonly path: string;
  /** The violation (absent on pass). */
  readonly message?: string;
  /** How to fix it (on violations). */
  readonly fix?: string;
  /** The relaxation's reason (verdict "relaxed"). */
  readonly reason?: string;
}

export interface StackReport {
  readonly stack: string;
  /** Number of rules evaluated. */
  readonly rules: number;
  readonly results: readonly Result[];
  readonly summary: { readonly checks: number; readonly passed: number; readonly errors: number; readonly warnings: number; readonly relaxed: number };
  /** Relaxations that matched no violation (stale: remove them, or the resource has not landed yet). */
  readonly unusedRelaxations: readonly Relaxation[];
  /** True when there is no error-level violation (synth passes). */
  readonly ok: boolean;
}
