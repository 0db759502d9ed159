import { Testing } from "cdktf";
import { BootstrapConfig } from "../../bootstrap/config";
import { BootstrapStack } from "../../stacks/bootstrap-stack";

/** A statement of an `aws_iam_policy_document` as synthesized (snake_case). */
export interface PolicyStatementJson {
  sid?: string;
  effect?: string;
  actions?: string[];
  not_actions?: string[];
  resources?: string[];
  not_resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

export interface BootstrapJson {
  resource: Record<string, Record<string, any>>;
  data: Record<string, Record<string, any>>;
  output: Record<string, any>;
}

export function synthBootstrap(config: BootstrapConfig): BootstrapJson {
  return JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), config, { guardrails: { log: () => {} } }))) as BootstrapJson;
}

export function policyDocument(tf: BootstrapJson, ref: string): { statement: PolicyStatementJson[] } {
  return tf.data.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(ref)![1]];
}

export function roleNamed(tf: BootstrapJson, name: string): { id: string; role: Record<string, any> } {
  const found = Object.entries(tf.resource.aws_iam_role).find(([, r]) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return { id: found[0], role: found[1] };
}

/** The statements of every customer managed policy attached to a role, and the AWS managed policy ARNs. */
export function attachedStatements(tf: BootstrapJson, roleId: string): { statements: PolicyStatementJson[]; awsManaged: string[] } {
  const attachments = Object.values(tf.resource.aws_iam_role_policy_attachment).filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`);
  const managed = attachments.map((a) => String(a.policy_arn)).filter((arn) => arn.startsWith("${aws_iam_policy."));
  const statements = managed.flatMap((arn) => policyDocument(tf, tf.resource.aws_iam_policy[/aws_iam_policy\.([^.]+)\.arn/.exec(arn)![1]].policy).statement);
  return { statements, awsManaged: attachments.map((a) => String(a.policy_arn)).filter((arn) => arn.startsWith("arn:aws:iam::aws:")) };
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
const matches = (patterns: readonly string[] | undefined, value: string) => (patterns ?? []).some((p) => glob(p).test(value));

/**
 * IAM's verdict for one request under these customer managed statements, for unconditional grants:
 * an explicit Deny wins, then an Allow must match action and resource. An Allow with a condition
 * is not counted (the condition cannot be evaluated here); a Deny with one is (the cautious side).
 */
export function allows(statements: readonly PolicyStatementJson[], action: string, resource: string): boolean {
  const applies = (s: PolicyStatementJson) =>
    (s.actions ? matches(s.actions, action) : !matches(s.not_actions, action)) && (s.resources ? matches(s.resources, resource) : !matches(s.not_resources, resource));
  if (statements.some((s) => s.effect === "Deny" && applies(s))) return false;
  return statements.some((s) => s.effect !== "Deny" && !(s.condition ?? []).length && applies(s));
}
