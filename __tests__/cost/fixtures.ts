import type { UsageConfig } from "../../environments/config";
import { PriceBook, PriceEntry, PriceTable } from "../../scripts/cost/prices";
import { loadStack, Stack, StackJson } from "../../scripts/stack-json";

/** A price table with round prices, so that every expected amount below is easy to check by hand. */
export function roundPrices(): PriceBook {
  const p = (id: string, usd: number, region = "eu-west-1"): PriceEntry => ({
    id, usd, region, serviceCode: "Test", usageType: `T-${id}`, unit: "u", date: "2026-01-02", source: "test", description: id,
  });
  const table: PriceTable = {
    description: "test",
    currency: "USD",
    date: "2026-01-02",
    hoursPerMonth: 730,
    factors: { rdsMultiAz: { value: 2, description: "x2" } },
    prices: [
      p("ec2.instance.t4g.micro", 0.01),
      p("ec2.instance.t4g.small", 0.02),
      p("ec2.detailed-monitoring-metric", 0.3),
      p("ebs.gp3.storage", 0.1),
      p("ebs.gp3.iops", 0.005),
      p("ebs.gp3.throughput", 0.04),
      p("ebs.snapshot", 0.05),
      p("vpc.public-ipv4", 0.005),
      p("vpc.nat-gateway.hours", 0.05),
      p("vpc.nat-gateway.data", 0.05),
      p("vpc.interface-endpoint.hours", 0.01),
      p("vpc.interface-endpoint.data", 0.01),
      p("data-transfer.out-internet", 0.09),
      p("rds.instance.postgres.db.t4g.micro", 0.02),
      p("rds.instance.postgres.db.t4g.small", 0.04),
      p("rds.storage.gp3", 0.1),
      p("secretsmanager.secret", 0.4),
      p("kms.key", 1),
      p("lambda.requests.arm64", 0.0000002),
      p("lambda.duration.arm64", 0.00001),
      p("dynamodb.on-demand.read", 0.0000002),
      p("dynamodb.on-demand.write", 0.000001),
      p("dynamodb.storage", 0.25),
      p("dynamodb.pitr", 0.2),
      p("s3.standard.storage", 0.02),
      p("s3.requests.tier1", 0.000005),
      p("s3.requests.tier2", 0.0000004),
      p("sqs.requests", 0.0000004),
      p("sns.publishes", 0.0000005),
      p("logs.ingestion", 0.5),
      p("logs.vended-ingestion", 0.5),
      p("logs.storage", 0.03),
      p("cloudwatch.alarm.standard", 0.1),
      p("cloudwatch.alarm.high-resolution", 0.3),
      p("cloudwatch.composite-alarm", 0.5),
      p("cloudwatch.dashboard", 3),
      p("waf.web-acl", 5, "us-east-1"),
      p("waf.rule", 1, "us-east-1"),
      p("waf.requests", 0.0000006, "us-east-1"),
      p("cloudfront.requests-https", 0.000001, "global"),
      p("cloudfront.data-transfer-out", 0.08, "global"),
      p("budgets.budget", 0.02, "global"),
      p("budgets.action-enabled-budget", 0.1, "global"),
    ],
    free: { aws_iam_role: "IAM is free", aws_launch_template: "free", aws_flow_log: "free" },
  };
  return new PriceBook(table);
}

export const USAGE: UsageConfig = {
  s3StorageGb: 100,
  s3PutRequests: 1_000_000,
  s3GetRequests: 10_000_000,
  lambdaInvocations: 1_000_000,
  lambdaAverageDurationMs: 500,
  dynamodbReadRequestUnits: 10_000_000,
  dynamodbWriteRequestUnits: 1_000_000,
  dynamodbStorageGb: 10,
  sqsRequests: 2_000_000,
  snsPublishes: 2_000_000,
  dataTransferOutGb: 100,
  natProcessedGb: 200,
  vpcEndpointProcessedGb: 50,
  logIngestionGb: 10,
  flowLogsGb: 20,
  snapshotChangedGbPerDay: 2,
  cloudfrontRequests: 10_000_000,
  cloudfrontDataTransferOutGb: 100,
};

const meta = (path: string) => ({ "//": { metadata: { path: `fx/${path}` } } });

/** A stack with one resource of every priced kind, one free type and one type without a price. */
export function everyKindJson(): StackJson {
  return {
    provider: { aws: [{ region: "eu-west-1" }, { region: "us-east-1", alias: "us_east_1" }] },
    resource: {
      aws_launch_template: { lt: { ...meta("web/lt"), instance_type: "t4g.micro", monitoring: { enabled: true }, block_device_mappings: [{ device_name: "/dev/xvda", ebs: { volume_size: 20, volume_type: "gp3" } }], network_interfaces: [{ associate_public_ip_address: "true" }] } },
      aws_instance: { web: { ...meta("web/instance"), launch_template: { id: "${aws_launch_template.lt.id}", version: "${tostring(aws_launch_template.lt.latest_version)}" } } },
      aws_ebs_volume: { data: { ...meta("web/data"), size: 100, type: "gp3", iops: 4000, throughput: 250, tags: { Snap: "yes" } } },
      aws_dlm_lifecycle_policy: { snaps: { ...meta("web/snapshots"), policy_details: { target_tags: { Snap: "yes" }, schedule: [{ retain_rule: { count: 7 } }] } } },
      aws_db_instance: { db: { ...meta("database/instance"), engine: "postgres", instance_class: "db.t4g.micro", multi_az: true, allocated_storage: 50, storage_type: "gp3", manage_master_user_password: true, performance_insights_enabled: true, performance_insights_retention_period: 7 } },
      aws_nat_gateway: { a: { ...meta("network/nat-a"), subnet_id: "x" }, b: { ...meta("network/nat-b"), subnet_id: "y" } },
      aws_eip: { a: { ...meta("network/eip-a"), domain: "vpc" } },
      aws_vpc_endpoint: {
        s3: { ...meta("network/s3"), vpc_endpoint_type: "Gateway" },
        ssm: { ...meta("network/ssm"), vpc_endpoint_type: "Interface", subnet_ids: ["a", "b"] },
      },
      aws_cloudwatch_metric_alarm: { std: { ...meta("ops/std"), period: 300 }, fast: { ...meta("ops/fast"), period: 10 } },
      aws_cloudwatch_composite_alarm: { any: { ...meta("ops/any") } },
      aws_cloudwatch_log_metric_filter: { errors: { ...meta("ops/errors"), metric_transformation: { name: "Errors", namespace: "App", value: "1" } } },
      aws_ssm_parameter: { std: { ...meta("ops/agent-config") }, adv: { ...meta("ops/big"), tier: "Advanced" } },
      aws_cloudwatch_dashboard: { main: { ...meta("ops/dashboard") } },
      aws_kms_key: { key: { ...meta("ops/key") } },
      aws_secretsmanager_secret: { s: { ...meta("ops/secret") } },
      aws_wafv2_web_acl: { edge: { ...meta("edge/waf"), provider: "aws.us_east_1", scope: "CLOUDFRONT", rule: [{ name: "a" }, { name: "b" }] } },
      aws_cloudfront_distribution: { cdn: { ...meta("edge/distribution") } },
      aws_lambda_function: { fn: { ...meta("fn/function"), memory_size: 512, architectures: ["arm64"] } },
      aws_dynamodb_table: { t: { ...meta("profiles/table"), billing_mode: "PAY_PER_REQUEST", point_in_time_recovery: { enabled: true } } },
      aws_sqs_queue: { q: { ...meta("fn/dlq") } },
      aws_sns_topic: { alerts: { ...meta("ops/topic") } },
      aws_s3_bucket: { uploads: { ...meta("uploads/bucket") } },
      aws_cloudwatch_log_group: { app: { ...meta("fn/logs"), retention_in_days: 30 }, flow: { ...meta("network/flow-logs"), retention_in_days: 365 } },
      aws_flow_log: { vpc: { ...meta("network/flow-log"), log_destination: "${aws_cloudwatch_log_group.flow.arn}" } },
      aws_budgets_budget: { monthly: { ...meta("budget/budget"), limit_amount: "100.00", time_unit: "MONTHLY" } },
      aws_budgets_budget_action: { stop: { ...meta("budget/action") } },
      aws_iam_role: { r: { ...meta("web/role") } },
      aws_elasticache_cluster: { cache: { ...meta("cache/cluster") } },
    },
  } as unknown as StackJson;
}

export const everyKindStack = (): Stack => loadStack(everyKindJson(), "fx");
