import { Block, StackModel, block, isTrue, num, pseudoBlock } from "../model";
import { findSecrets } from "../secret-patterns";
import { Check, Rule } from "../types";
import { custom, perResource } from "./define";

export const logRules: readonly Rule[] = [
  perResource(
    {
      id: "WP-LOG-001",
      service: "CloudWatch Logs",
      severity: "error",
      title: "Log groups have a retention period",
      explanation: "Without retention, logs (and their cost) grow forever and personal data is never deleted.",
      fix: "retention_in_days from the environment's logRetentionDays.",
      checkov: ["CKV_AWS_66"],
      cdkNag: [],
    },
    ["aws_cloudwatch_log_group"],
    (g) => ((num(g.config.retention_in_days) ?? 0) > 0 ? undefined : "retention_in_days is not set (never expire)"),
  ),
  perResource(
    {
      id: "WP-LOG-002",
      service: "CloudWatch Logs",
      severity: "warning",
      title: "Log groups keep logs at least 365 days",
      explanation: "Investigations and audits often need a year of history.",
      fix: "logRetentionDays >= 365.",
      checkov: ["CKV_AWS_338"],
      cdkNag: [],
    },
    ["aws_cloudwatch_log_group"],
    (g) => {
      const days = num(g.config.retention_in_days);
      return days === undefined || days >= 365 ? undefined : `retention_in_days is ${days}`;
    },
  ),
];

/** Everything a secret could hide in, except Lambda environment variables (WP-LAMBDA-006) and the provider (WP-SEC-002). */
function scannable(model: StackModel): { block: Block; value: unknown }[] {
  const items: { block: Block; value: unknown }[] = [];
  for (const b of model.all(...Object.keys(model.json.resource ?? {}), ...Object.keys(model.json.data ?? {}).map((t) => `data.${t}`))) {
    const value = b.type === "aws_lambda_function" ? { ...b.config, environment: undefined } : b.config;
    items.push({ block: b, value });
  }
  for (const [name, output] of Object.entries(model.json.output ?? {})) {
    items.push({ block: pseudoBlock(model, "output", name, output), value: output.value });
  }
  for (const [name, variable] of Object.entries(model.json.variable ?? {})) {
    items.push({ block: pseudoBlock(model, "variable", name, variable), value: { [name]: variable.default } });
  }
  for (const [name, local] of Object.entries(model.json.locals ?? {})) {
    items.push({ block: pseudoBlock(model, "local", name, { value: local }), value: { [name]: local } });
  }
  return items;
}

/** Placeholder credentials of an offline plan: fake keys plus the skip_* flags (nothing can be applied with them). */
function isOfflinePlaceholder(provider: Record<string, unknown>): boolean {
  return isTrue(provider.skip_credentials_validation) && isTrue(provider.skip_requesting_account_id) && isTrue(provider.skip_metadata_api_check);
}

export const secretRules: readonly Rule[] = [
  custom(
    {
      id: "WP-SEC-001",
      service: "Secrets",
      severity: "error",
      title: "No plaintext secrets anywhere in the Terraform JSON (arguments, user data, outputs, variables)",
      explanation: "Terraform JSON is committed, logged and copied into state; a secret there is a leaked secret.",
      fix: "Keep secrets in Secrets Manager (RDS manage_master_user_password) and pass ARNs/names, never values.",
      checkov: ["CKV_AWS_46", "CKV_SECRET_2", "CKV_SECRET_4", "CKV_SECRET_10", "CKV_SECRET_13"],
      cdkNag: [],
    },
    (model) =>
      scannable(model).map(({ block: b, value }): Check => {
        const found = findSecrets(value);
        return { block: b, violation: found.length > 0 ? found.map((f) => `${f.location || b.name} holds ${f.what}`).join("; ") : undefined };
      }),
  ),
  custom(
    {
      id: "WP-SEC-002",
      service: "Secrets",
      severity: "error",
      title: "The AWS provider has no static credentials",
      explanation: "Keys in the provider block end up in the repository and in every plan.",
      fix: "Use the default credential chain (AWS_PROFILE, SSO, instance/CI role); OFFLINE_PLAN=1 placeholders are allowed.",
      checkov: ["CKV_AWS_41"],
      cdkNag: [],
    },
    (model) =>
      Object.entries(model.json.provider ?? {})
        .filter(([name]) => name === "aws")
        .flatMap(([name, configs]) =>
          configs.map((p, i): Check => {
            const keys = ["access_key", "secret_key", "token"].filter((k) => typeof p[k] === "string" && !String(p[k]).startsWith("${"));
            const alias = typeof p.alias === "string" ? p.alias : String(i);
            const violation = keys.length > 0 && !isOfflinePlaceholder(p) ? `static ${keys.join(", ")} in the provider` : undefined;
            return { block: pseudoBlock(model, "provider", `${name}.${alias}`, p), violation };
          }),
        ),
  ),
];

const STATEFUL = ["aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_dynamodb_table", "aws_ebs_volume", "aws_efs_file_system"];

export const stateRules: readonly Rule[] = [
  perResource(
    {
      id: "WP-STATE-001",
      service: "State",
      severity: "error",
      title: "Stateful resources (databases, buckets, tables, volumes) have lifecycle.prevent_destroy",
      explanation: "prevent_destroy makes terraform refuse any plan that would delete data, including replacements.",
      fix: "Set preventDestroy: true in the environment config.",
      checkov: [],
      cdkNag: [],
    },
    STATEFUL,
    (b) => (isTrue(block(b.config.lifecycle).prevent_destroy) ? undefined : "lifecycle.prevent_destroy is not true"),
  ),
  custom(
    {
      id: "WP-STATE-002",
      service: "State",
      severity: "error",
      title: "An S3 state backend is encrypted and locked",
      explanation: "State holds every resource attribute; unlocked state gets corrupted by concurrent applies.",
      fix: "backend { type: \"s3\", useLockfile: true } (configureBackend sets encrypt = true).",
      checkov: [],
      cdkNag: [],
    },
    (model) => {
      const s3 = block(block(model.json.terraform?.backend).s3);
      if (Object.keys(s3).length === 0) return [];
      const problems = [
        !isTrue(s3.encrypt) && s3.kms_key_id === undefined ? "encrypt is not true" : undefined,
        !isTrue(s3.use_lockfile) && s3.dynamodb_table === undefined ? "no locking (use_lockfile or dynamodb_table)" : undefined,
      ].filter(Boolean);
      return [{ block: pseudoBlock(model, "backend", "s3", s3), violation: problems.length > 0 ? problems.join("; ") : undefined }];
    },
  ),
];
