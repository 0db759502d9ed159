import { Block, StackModel, blocks, strings } from "../model";
import { PolicyDocument, Statement, hasPublicPrincipal, policyDocument, statementLabel } from "../policy-documents";
import { Check, Rule } from "../types";
import { SKIP, custom, perResource } from "./define";

/** Identity-based policies: inline role/user/group policies, managed policies, role inline_policy blocks. */
function identityPolicies(model: StackModel): { block: Block; doc?: PolicyDocument }[] {
  const direct = model
    .all("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy")
    .map((b) => ({ block: b, doc: policyDocument(model, b.config.policy) }));
  const inline = model.all("aws_iam_role").flatMap((role) => blocks(role.config.inline_policy).map((p) => ({ block: role, doc: policyDocument(model, p.policy) })));
  return [...direct, ...inline];
}

/** One Check per identity policy: the first offending Allow statement, if any. */
function statementRule(spec: Omit<Rule, "evaluate">, offends: (s: Statement) => string | undefined): Rule {
  return custom(spec, (model) =>
    identityPolicies(model)
      .filter((p) => p.doc !== undefined)
      .map(({ block, doc }): Check => {
        const statements = doc!.statements;
        for (let i = 0; i < statements.length; i++) {
          const s = statements[i];
          const problem = s.effect === "Allow" ? offends(s) : undefined;
          if (problem) return { block, violation: `${statementLabel(s, i)}${doc!.source ? ` of ${doc!.source.address}` : ""} ${problem}` };
        }
        return { block };
      }),
  );
}

/** Actions that only accept Resource "*" (no resource-level permissions exist for them). */
const UNSCOPED_ACTIONS = new Set([
  "xray:puttracesegments", "xray:puttelemetryrecords", "xray:getsamplingrules", "xray:getsamplingtargets", "xray:getsamplingstatisticsummaries",
  "cloudwatch:putmetricdata", "ec2:createnetworkinterface", "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses",
  "ec2:unassignprivateipaddresses", "sts:getcalleridentity", "logs:describeloggroups", "s3:listallmybuckets",
]);
const readsMetadataOnly = (action: string) => UNSCOPED_ACTIONS.has(action.toLowerCase()) || /:(Describe|List)[A-Za-z]*$/.test(action);

const ADMIN_POLICIES = ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"].map((n) => `arn:aws:iam::aws:policy/${n}`);

const spec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "IAM" });

export const iamRules: readonly Rule[] = [
  statementRule(
    spec({
      id: "WP-IAM-001",
      severity: "error",
      title: "IAM policies allow no wildcard actions (\"*\", \"service:*\", NotAction)",
      explanation: "Service-wide actions grant far more than the workload uses, including future actions.",
      fix: "List the exact actions (grant methods such as grantRead/grantPut do).",
      checkov: ["CKV_AWS_63", "CKV_AWS_49"],
      cdkNag: ["AwsSolutions-IAM5"],
    }),
    (s) => {
      const wild = s.actions.filter((a) => a === "*" || a.endsWith(":*"));
      if (wild.length > 0) return `allows ${wild.join(", ")}`;
      return s.notActions.length > 0 ? "allows everything except NotAction" : undefined;
    },
  ),
  statementRule(
    spec({
      id: "WP-IAM-002",
      severity: "error",
      title: "IAM policies do not allow data or write actions on Resource \"*\"",
      explanation: "Resource \"*\" extends the grant to every bucket, table, queue and secret in the account.",
      fix: "Scope resources to the ARNs the workload uses (e.g. bucket ARN + \"/prefix/*\", table ARN).",
      checkov: ["CKV_AWS_355", "CKV_AWS_111"],
      cdkNag: ["AwsSolutions-IAM5"],
    }),
    (s) => {
      if (!s.resources.includes("*") || s.conditions.length > 0) return undefined;
      const scoped = s.actions.filter((a) => !readsMetadataOnly(a));
      return scoped.length > 0 ? `allows ${scoped.join(", ")} on Resource "*"` : undefined;
    },
  ),
  custom(
    spec({
      id: "WP-IAM-003",
      severity: "error",
      title: "No administrator access (\"*\" on \"*\", AdministratorAccess, IAMFullAccess, PowerUserAccess)",
      explanation: "Admin rights turn any compromise of the workload into a compromise of the account.",
      fix: "Grant only the workload's actions and resources; never attach admin managed policies.",
      checkov: ["CKV_AWS_62", "CKV_AWS_1", "CKV2_AWS_51"],
      cdkNag: ["AwsSolutions-IAM5"],
    }),
    (model) => {
      const checks: Check[] = identityPolicies(model)
        .filter((p) => p.doc !== undefined)
        .map(({ block, doc }) => {
          const admin = doc!.statements.findIndex((s) => s.effect === "Allow" && s.actions.includes("*") && s.resources.includes("*"));
          return { block, violation: admin >= 0 ? `${statementLabel(doc!.statements[admin], admin)} allows "*" on "*"` : undefined };
        });
      const attachments = model.all("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment");
      for (const a of attachments) {
        const arn = String(a.config.policy_arn ?? "");
        checks.push({ block: a, violation: ADMIN_POLICIES.includes(arn) ? `attaches ${arn}` : undefined });
      }
      for (const role of model.all("aws_iam_role")) {
        const admin = strings(role.config.managed_policy_arns).find((arn) => ADMIN_POLICIES.includes(arn));
        if (admin) checks.push({ block: role, violation: `managed_policy_arns includes ${admin}` });
      }
      return checks;
    },
  ),
  perResource(
    spec({
      id: "WP-IAM-004",
      severity: "error",
      title: "Role trust policies let exactly one AWS service assume the role",
      explanation: "A trust policy with \"*\", accounts or several services lets more principals act as the role than intended.",
      fix: "One ServiceRole per service principal (ServiceRole's trust names exactly one).",
      checkov: ["CKV_AWS_60", "CKV_AWS_61"],
      cdkNag: [],
    }),
    ["aws_iam_role"],
    (role, model) => {
      const doc = policyDocument(model, role.config.assume_role_policy);
      if (!doc) return SKIP;
      const allows = doc.statements.filter((s) => s.effect === "Allow");
      if (allows.some(hasPublicPrincipal)) return 'the trust policy allows Principal "*"';
      const other = allows.flatMap((s) => s.principals).filter((p) => p.type !== "Service");
      if (other.length > 0) return `the trust policy allows ${other.map((p) => `${p.type} ${p.identifiers.join(", ")}`).join("; ")}`;
      const services = new Set(allows.flatMap((s) => s.principals.flatMap((p) => p.identifiers)));
      return services.size === 1 ? undefined : `the trust policy names ${services.size} services (${[...services].join(", ") || "none"})`;
    },
  ),
  perResource(
    spec({
      id: "WP-IAM-005",
      severity: "error",
      title: "No IAM user policies or access keys: permissions go to roles",
      explanation: "User policies and access keys are long-lived credentials that leak and are never rotated.",
      fix: "Use roles (ServiceRole, instance profiles, OIDC federation) instead of IAM users.",
      checkov: ["CKV_AWS_40"],
      cdkNag: [],
    }),
    ["aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_policy_attachment", "aws_iam_access_key"],
    (b) => {
      if (b.type === "aws_iam_policy_attachment") return strings(b.config.users).length > 0 ? "attaches a policy to IAM users" : undefined;
      return b.type === "aws_iam_access_key" ? "creates a long-lived IAM access key" : "grants permissions to an IAM user";
    },
  ),
];

const kmsSpec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "KMS" });

export const kmsRules: readonly Rule[] = [
  perResource(
    kmsSpec({
      id: "WP-KMS-001",
      severity: "error",
      title: "Customer managed KMS keys rotate automatically",
      explanation: "Rotation limits how much data one key version protects.",
      fix: "enable_key_rotation = true.",
      checkov: ["CKV_AWS_7"],
      cdkNag: ["AwsSolutions-KMS5"],
    }),
    ["aws_kms_key"],
    (k) => {
      const specName = String(k.config.customer_master_key_spec ?? "SYMMETRIC_DEFAULT");
      if (specName !== "SYMMETRIC_DEFAULT") return SKIP;
      return k.config.enable_key_rotation === true || k.config.enable_key_rotation === "true" ? undefined : "enable_key_rotation is not true";
    },
  ),
  custom(
    kmsSpec({
      id: "WP-KMS-002",
      severity: "error",
      title: "KMS key policies allow nothing to Principal \"*\" without a condition",
      explanation: "A wildcard principal lets any AWS account use or manage the key.",
      fix: "Name the account root or the roles, or add a condition such as kms:CallerAccount.",
      checkov: ["CKV_AWS_33"],
      cdkNag: [],
    }),
    (model) =>
      model.all("aws_kms_key", "aws_kms_key_policy").flatMap((k): Check[] => {
        const doc = k.config.policy === undefined ? undefined : policyDocument(model, k.config.policy);
        if (!doc) return [];
        const open = doc.statements.findIndex((s) => s.effect === "Allow" && hasPublicPrincipal(s) && s.conditions.length === 0);
        return [{ block: k, violation: open >= 0 ? `${statementLabel(doc.statements[open], open)} allows Principal "*"` : undefined }];
      }),
  ),
];
