import { Block, StackModel, block, blocks, isFalse, isTrue, num, strings } from "../model";
import { Rule } from "../types";
import { Outcome, SKIP, perResource } from "./define";

const spec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "RDS" });

/** A check on standalone DB instances (Aurora cluster members take these settings from the cluster). */
function dbRule(s: Omit<Rule, "evaluate" | "service">, check: (db: Block, model: StackModel) => Outcome): Rule {
  return perResource(spec(s), ["aws_db_instance"], (db, model) => (db.config.cluster_identifier !== undefined ? SKIP : check(db, model)));
}

/** Read replicas and snapshot restores inherit credentials and backups from their source. */
const isReplica = (db: Block) => db.config.replicate_source_db !== undefined;

/** The parameter that forces TLS for an engine, or undefined when the engine has none we know. */
function tlsParameter(engine: string): { name: string; values: string[] } | undefined {
  if (/^postgres|^sqlserver/.test(engine)) return { name: "rds.force_ssl", values: ["1", "true"] };
  if (/^mysql|^mariadb/.test(engine)) return { name: "require_secure_transport", values: ["1", "ON", "on", "true"] };
  return undefined;
}

export const rdsRules: readonly Rule[] = [
  dbRule(
    {
      id: "WP-RDS-001",
      severity: "error",
      title: "RDS storage is encrypted",
      explanation: "Encryption at rest also covers automated backups, snapshots and replicas.",
      fix: "storage_encrypted = true (Database sets it).",
      checkov: ["CKV_AWS_16"],
      cdkNag: ["AwsSolutions-RDS2"],
    },
    (db) => (isTrue(db.config.storage_encrypted) ? undefined : "storage_encrypted is not true"),
  ),
  dbRule(
    {
      id: "WP-RDS-002",
      severity: "error",
      title: "RDS instances are not publicly accessible",
      explanation: "A public endpoint exposes the database to the internet, one security group mistake away.",
      fix: "publicly_accessible = false and isolated subnets (Database does).",
      checkov: ["CKV_AWS_17"],
      cdkNag: [],
    },
    (db) => (isTrue(db.config.publicly_accessible) ? "publicly_accessible is true" : undefined),
  ),
  dbRule(
    {
      id: "WP-RDS-003",
      severity: "error",
      title: "RDS automated backups are enabled (explicit retention of at least 1 day)",
      explanation: "Automated backups are what point-in-time restore uses; 0 disables them.",
      fix: "Set database.backupRetentionDays (backup_retention_period >= 1).",
      checkov: ["CKV_AWS_133"],
      cdkNag: ["AwsSolutions-RDS13"],
    },
    (db) => {
      if (isReplica(db)) return SKIP;
      const days = num(db.config.backup_retention_period);
      return days !== undefined && days >= 1 ? undefined : `backup_retention_period is ${JSON.stringify(db.config.backup_retention_period ?? "not set")}`;
    },
  ),
  dbRule(
    {
      id: "WP-RDS-004",
      severity: "error",
      title: "RDS backups are kept at least 7 days",
      explanation: "Corruption is often noticed days later; a short window leaves no good backup to restore.",
      fix: "database.backupRetentionDays >= 7.",
      checkov: [],
      cdkNag: [],
    },
    (db) => {
      if (isReplica(db)) return SKIP;
      const days = num(db.config.backup_retention_period) ?? 0;
      return days >= 7 ? undefined : `backup_retention_period is ${days} day(s)`;
    },
  ),
  dbRule(
    {
      id: "WP-RDS-005",
      severity: "error",
      title: "RDS runs Multi-AZ",
      explanation: "A single-AZ instance is down for the whole of an AZ outage or host failure.",
      fix: "database.multiAz: true.",
      checkov: ["CKV_AWS_157"],
      cdkNag: ["AwsSolutions-RDS3"],
    },
    (db) => (isTrue(db.config.multi_az) ? undefined : "multi_az is not true"),
  ),
  dbRule(
    {
      id: "WP-RDS-006",
      severity: "error",
      title: "RDS deletion protection is on",
      explanation: "Deletion protection stops a bad plan or a console click from deleting the database.",
      fix: "database.deletionProtection: true.",
      checkov: ["CKV_AWS_293"],
      cdkNag: ["AwsSolutions-RDS10"],
    },
    (db) => (isTrue(db.config.deletion_protection) ? undefined : "deletion_protection is not true"),
  ),
  dbRule(
    {
      id: "WP-RDS-007",
      severity: "error",
      title: "RDS takes a final snapshot when deleted",
      explanation: "Without a final snapshot, deleting the instance deletes the data and its automated backups.",
      fix: "database.finalSnapshot: true (skip_final_snapshot = false with a final_snapshot_identifier).",
      checkov: [],
      cdkNag: [],
    },
    (db) => {
      if (isTrue(db.config.skip_final_snapshot)) return "skip_final_snapshot is true";
      return typeof db.config.final_snapshot_identifier === "string" ? undefined : "no final_snapshot_identifier";
    },
  ),
  dbRule(
    {
      id: "WP-RDS-008",
      severity: "error",
      title: "The RDS master password is managed by RDS in Secrets Manager",
      explanation: "A password argument ends up in Terraform JSON and state; manage_master_user_password never exposes it.",
      fix: "manage_master_user_password = true and no password argument (Database does).",
      checkov: [],
      cdkNag: [],
    },
    (db) => {
      if (isReplica(db) || db.config.snapshot_identifier !== undefined) return SKIP;
      if (db.config.password !== undefined) return "a password argument is set";
      return isTrue(db.config.manage_master_user_password) ? undefined : "manage_master_user_password is not true";
    },
  ),
  dbRule(
    {
      id: "WP-RDS-009",
      severity: "warning",
      title: "RDS exports its engine logs to CloudWatch Logs",
      explanation: "Without exported logs, errors and connection attempts are lost when the instance is replaced.",
      fix: "enabled_cloudwatch_logs_exports = [\"postgresql\", \"upgrade\"] (Database default).",
      checkov: ["CKV_AWS_129"],
      cdkNag: [],
    },
    (db) => {
      const exports = strings(db.config.enabled_cloudwatch_logs_exports);
      if (exports.length === 0) return "enabled_cloudwatch_logs_exports is empty";
      if (String(db.config.engine ?? "").startsWith("postgres") && !exports.includes("postgresql")) return "the postgresql log is not exported";
      return undefined;
    },
  ),
  dbRule(
    {
      id: "WP-RDS-010",
      severity: "warning",
      title: "RDS Performance Insights is on",
      explanation: "Performance Insights shows which queries load the database; without it, incidents are guesswork.",
      fix: "database.performanceInsights: true (7 days retention is free).",
      checkov: ["CKV_AWS_353"],
      cdkNag: [],
    },
    (db) => (isTrue(db.config.performance_insights_enabled) ? undefined : "performance_insights_enabled is not true"),
  ),
  dbRule(
    {
      id: "WP-RDS-011",
      severity: "warning",
      title: "RDS applies minor engine upgrades automatically",
      explanation: "Minor versions carry security fixes; automatic upgrades apply them in the maintenance window.",
      fix: "auto_minor_version_upgrade = true (Database sets it).",
      checkov: ["CKV_AWS_226"],
      cdkNag: [],
    },
    (db) => (isFalse(db.config.auto_minor_version_upgrade) ? "auto_minor_version_upgrade is false" : undefined),
  ),
  dbRule(
    {
      id: "WP-RDS-012",
      severity: "warning",
      title: "RDS copies tags to snapshots",
      explanation: "Untagged snapshots lose their owner, environment and cost allocation.",
      fix: "copy_tags_to_snapshot = true (Database sets it).",
      checkov: ["CKV2_AWS_60"],
      cdkNag: [],
    },
    (db) => (isTrue(db.config.copy_tags_to_snapshot) ? undefined : "copy_tags_to_snapshot is not true"),
  ),
  dbRule(
    {
      id: "WP-RDS-013",
      severity: "warning",
      title: "RDS IAM database authentication is on",
      explanation: "IAM authentication lets roles connect with short-lived tokens instead of shared passwords.",
      fix: "iam_database_authentication_enabled = true (Database sets it).",
      checkov: ["CKV_AWS_161"],
      cdkNag: [],
    },
    (db) => (isTrue(db.config.iam_database_authentication_enabled) ? undefined : "iam_database_authentication_enabled is not true"),
  ),
  dbRule(
    {
      id: "WP-RDS-014",
      severity: "error",
      title: "RDS refuses connections without TLS (parameter group rds.force_ssl = 1)",
      explanation: "Without forced TLS, clients can send credentials and data in clear text inside the VPC.",
      fix: "Use a parameter group with rds.force_ssl = 1 (PostgreSQL) or require_secure_transport = ON (MySQL); Database does.",
      checkov: ["CKV2_AWS_69"],
      cdkNag: [],
    },
    (db, model) => {
      const tls = tlsParameter(String(db.config.engine ?? ""));
      if (!tls) return SKIP;
      const name = db.config.parameter_group_name;
      if (name === undefined) return `no parameter_group_name: the default group does not set ${tls.name}`;
      const group = model.ref(name) ?? model.all("aws_db_parameter_group").find((g) => g.config.name === name);
      if (!group) return SKIP; // a group managed elsewhere: not visible here
      const param = blocks(group.config.parameter).find((p) => p.name === tls.name);
      if (!param) return `parameter group ${group.address} does not set ${tls.name}`;
      return tls.values.includes(String(param.value)) ? undefined : `${tls.name} is ${JSON.stringify(param.value)} in ${group.address}`;
    },
  ),
];

export const dynamodbRules: readonly Rule[] = [
  perResource(
    {
      id: "WP-DDB-001",
      service: "DynamoDB",
      severity: "error",
      title: "DynamoDB point-in-time recovery is on",
      explanation: "PITR restores the table to any second of the last 35 days after a bad write or delete.",
      fix: "point_in_time_recovery { enabled = true }.",
      checkov: ["CKV_AWS_28"],
      cdkNag: ["AwsSolutions-DDB3"],
    },
    ["aws_dynamodb_table"],
    (t) => (isTrue(block(t.config.point_in_time_recovery).enabled) ? undefined : "point_in_time_recovery is not enabled"),
  ),
  perResource(
    {
      id: "WP-DDB-002",
      service: "DynamoDB",
      severity: "error",
      title: "DynamoDB encrypts with a KMS key (AWS managed or customer managed)",
      explanation: "A KMS key makes every use of the table's key visible in CloudTrail and revocable.",
      fix: "server_side_encryption { enabled = true } (add kms_key_arn for a customer managed key).",
      checkov: ["CKV_AWS_119"],
      cdkNag: [],
    },
    ["aws_dynamodb_table"],
    (t) => (isTrue(block(t.config.server_side_encryption).enabled) ? undefined : "server_side_encryption is not enabled (AWS owned key)"),
  ),
  perResource(
    {
      id: "WP-DDB-003",
      service: "DynamoDB",
      severity: "error",
      title: "DynamoDB deletion protection is on",
      explanation: "Deletion protection stops a bad plan or a console click from deleting the table.",
      fix: "profiles.tableDeletionProtection: true (deletion_protection_enabled = true).",
      checkov: [],
      cdkNag: [],
    },
    ["aws_dynamodb_table"],
    (t) => (isTrue(t.config.deletion_protection_enabled) ? undefined : "deletion_protection_enabled is not true"),
  ),
];
