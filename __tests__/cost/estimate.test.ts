import { estimateStack, pricingOf } from "../../scripts/cost/estimate";
import { loadStack } from "../../scripts/stack-json";
import { everyKindJson, everyKindStack, roundPrices, USAGE } from "./fixtures";

const estimate = estimateStack(everyKindStack(), { usage: USAGE, prices: roundPrices() });
const amount = (address: string, key: string) => {
  const found = estimate.lines.filter((l) => l.address === address && l.key === key);
  if (found.length !== 1) throw new Error(`expected one line ${address} ${key}, found ${found.length}`);
  return found[0].monthlyUsd;
};

describe("each priced resource kind against a hand-computed amount (round test prices, 730 h/month)", () => {
  it.each<[string, string, string, number]>([
    ["EC2 instance hours from its launch template", "aws_instance.web", "instance-hours", 7.3], // 730 × 0.01
    ["EC2 root volume from the launch template", "aws_instance.web", "root volume-storage", 2.0], // 20 GB × 0.10
    ["EC2 detailed monitoring", "aws_instance.web", "detailed-monitoring", 2.1], // 7 metrics × 0.30
    ["instance public IPv4", "aws_instance.web", "public-ipv4", 3.65], // 730 × 0.005
    ["EBS gp3 storage", "aws_ebs_volume.data", "volume-storage", 10.0], // 100 GB × 0.10
    ["EBS gp3 IOPS above 3,000", "aws_ebs_volume.data", "volume-iops", 5.0], // 1,000 × 0.005
    ["EBS gp3 throughput above 125 MiB/s", "aws_ebs_volume.data", "volume-throughput", 5.0], // 125 × 0.04
    ["DLM snapshots from usage", "aws_dlm_lifecycle_policy.snaps", "snapshots", 5.6], // (100 + 2 GB/day × 6) × 0.05
    ["RDS instance hours × Multi-AZ", "aws_db_instance.db", "instance-hours", 29.2], // 730 × 0.02 × 2
    ["RDS gp3 storage × Multi-AZ", "aws_db_instance.db", "storage", 10.0], // 50 × 0.10 × 2
    ["RDS-managed master secret", "aws_db_instance.db", "master-secret", 0.4],
    ["Performance Insights, 7 days", "aws_db_instance.db", "performance-insights", 0],
    ["NAT gateway hours", "aws_nat_gateway.a", "hours", 36.5], // 730 × 0.05
    ["NAT data processed", "usage.natProcessedGb", "data", 10.0], // 200 GB × 0.05
    ["Elastic IP", "aws_eip.a", "public-ipv4", 3.65],
    ["gateway endpoint", "aws_vpc_endpoint.s3", "endpoint", 0],
    ["interface endpoint in 2 AZs", "aws_vpc_endpoint.ssm", "endpoint-hours", 14.6], // 2 × 730 × 0.01
    ["interface endpoint data", "usage.vpcEndpointProcessedGb", "data", 0.5], // 50 × 0.01
    ["data transfer out", "usage.dataTransferOutGb", "data-out", 9.0], // 100 × 0.09
    ["standard alarm", "aws_cloudwatch_metric_alarm.std", "alarm", 0.1],
    ["high-resolution alarm (period 10 s)", "aws_cloudwatch_metric_alarm.fast", "alarm", 0.3],
    ["composite alarm", "aws_cloudwatch_composite_alarm.any", "alarm", 0.5],
    ["log metric filter (a custom metric)", "aws_cloudwatch_log_metric_filter.errors", "metric", 0.3],
    ["Standard SSM parameter", "aws_ssm_parameter.std", "parameter", 0],
    ["dashboard", "aws_cloudwatch_dashboard.main", "dashboard", 3.0],
    ["KMS key", "aws_kms_key.key", "key", 1.0],
    ["Secrets Manager secret", "aws_secretsmanager_secret.s", "secret", 0.4],
    ["WAF web ACL (us-east-1 prices through the provider alias)", "aws_wafv2_web_acl.edge", "web-acl", 5.0],
    ["WAF rules", "aws_wafv2_web_acl.edge", "rules", 2.0], // 2 × 1
    ["WAF requests", "aws_wafv2_web_acl.edge", "requests", 6.0], // 10 M × 0.60/M
    ["CloudFront requests", "usage.cloudfrontRequests", "requests", 10.0], // 10 M × 1.00/M
    ["CloudFront data transfer", "usage.cloudfrontDataTransferOutGb", "data-out", 8.0], // 100 × 0.08
    ["Lambda requests", "usage.lambdaInvocations", "requests-arm64", 0.2], // 1 M × 0.20/M
    ["Lambda duration", "usage.lambdaAverageDurationMs", "duration-arm64", 2.5], // 1 M × 0.5 s × 0.5 GB × 0.00001
    ["DynamoDB reads", "usage.dynamodbReadRequestUnits", "reads", 2.0], // 10 M × 0.20/M
    ["DynamoDB writes", "usage.dynamodbWriteRequestUnits", "writes", 1.0], // 1 M × 1.00/M
    ["DynamoDB storage", "usage.dynamodbStorageGb", "storage", 2.5], // 10 × 0.25
    ["DynamoDB PITR", "usage.dynamodbStorageGb", "pitr", 2.0], // 10 × 0.20
    ["SQS requests", "usage.sqsRequests", "requests", 0.8], // 2 M × 0.40/M
    ["SNS publishes", "usage.snsPublishes", "publishes", 1.0], // 2 M × 0.50/M
    ["S3 storage", "usage.s3StorageGb", "storage", 2.0], // 100 × 0.02
    ["S3 PUT requests", "usage.s3PutRequests", "put-requests", 5.0], // 1 M × 5.00/M
    ["S3 GET requests", "usage.s3GetRequests", "get-requests", 4.0], // 10 M × 0.40/M
    ["log ingestion", "usage.logIngestionGb", "ingestion", 5.0], // 10 × 0.50
    ["log storage at 30-day retention", "usage.logIngestionGb", "storage", 0.3], // 10 GB × 30/30.42 months × 0.03 = 0.296
    ["flow logs (vended)", "usage.flowLogsGb", "ingestion", 10.0], // 20 × 0.50
    ["flow log storage at 365-day retention", "usage.flowLogsGb", "storage", 7.2], // 20 × 12 months × 0.03
    ["budget", "aws_budgets_budget.monthly", "budget", 0.61], // 30.42 days × 0.02
    ["action-enabled budget", "aws_budgets_budget_action.stop", "action", 3.04], // 30.42 days × 0.10
  ])("%s", (_title, address, key, expected) => {
    expect(amount(address, key)).toBe(expected);
  });

  it("adds them up: fixed, usage-based and total", () => {
    expect(estimate.fixedMonthlyUsd).toBe(182.15); // 181.35 + composite alarm 0.50 + metric filter 0.30
    expect(estimate.usageMonthlyUsd).toBe(94.6);
    expect(estimate.monthlyTotalUsd).toBe(276.75);
  });

  it("lists free types as free (0, with why) and unknown types as not priced (null, never 0)", () => {
    const free = estimate.lines.filter((l) => l.basis === "free").map((l) => l.type);
    expect(free).toEqual(expect.arrayContaining(["aws_iam_role", "aws_launch_template", "aws_flow_log", "aws_vpc_endpoint"]));
    const cache = estimate.lines.filter((l) => l.type === "aws_elasticache_cluster");
    expect(cache).toEqual([expect.objectContaining({ basis: "not priced", monthlyUsd: null, note: expect.stringContaining("aws_elasticache_cluster is not in the price table") })]);
    expect(estimate.lines.find((l) => l.address === "aws_ssm_parameter.adv")).toMatchObject({ basis: "not priced", monthlyUsd: null, note: "no price for Advanced-tier parameters" });
    expect(estimate.notPriced).toBe(2);
    expect(pricingOf("aws_elasticache_cluster", roundPrices())).toBe("not priced");
    expect(pricingOf("aws_iam_role", roundPrices())).toBe("free");
    expect(pricingOf("aws_s3_bucket", roundPrices())).toBe("priced");
  });

  it("reports a missing price as not priced, naming the price and region", () => {
    const json = everyKindJson() as any;
    json.resource.aws_launch_template.lt.instance_type = "x9.huge";
    const line = estimateStack(loadStack(json, "fx"), { usage: USAGE, prices: roundPrices() }).lines.find((l) => l.address === "aws_instance.web" && l.key === "instance-hours")!;
    expect(line).toMatchObject({ basis: "not priced", monthlyUsd: null, note: 'no price "ec2.instance.x9.huge" for eu-west-1 in scripts/cost/price-table.json' });
  });

  it("without usage assumptions, usage lines are not priced rather than 0", () => {
    const bare = estimateStack(everyKindStack(), { prices: roundPrices() });
    const usage = bare.lines.filter((l) => l.address.startsWith("usage."));
    expect(usage.length).toBeGreaterThan(10);
    for (const l of usage) expect(l).toMatchObject({ basis: "not priced", monthlyUsd: null });
    expect(bare.usageMonthlyUsd).toBe(0);
    expect(bare.fixedMonthlyUsd).toBe(estimate.fixedMonthlyUsd);
  });

  it("prices a Single-AZ database without the factor and a state-shaped instance (instance_type, monitoring: true)", () => {
    const json = everyKindJson() as any;
    json.resource.aws_db_instance.db.multi_az = false;
    json.resource.aws_instance.web = { instance_type: "t4g.micro", monitoring: true, associate_public_ip_address: false, root_block_device: [{ volume_size: 8, volume_type: "gp3" }], launch_template: [{ id: "lt-0123" }] };
    const e = estimateStack(loadStack(json, "fx"), { usage: USAGE, prices: roundPrices() });
    const get = (address: string, key: string) => e.lines.find((l) => l.address === address && l.key === key)?.monthlyUsd;
    expect(get("aws_db_instance.db", "instance-hours")).toBe(14.6);
    expect(get("aws_instance.web", "instance-hours")).toBe(7.3);
    expect(get("aws_instance.web", "root volume-storage")).toBe(0.8);
    expect(get("aws_instance.web", "detailed-monitoring")).toBe(2.1);
    expect(get("aws_instance.web", "public-ipv4")).toBeUndefined();
  });

  it("recognizes a flow log's group by its ARN, as recorded in the state", () => {
    const json = everyKindJson() as any;
    json.resource.aws_cloudwatch_log_group.flow.arn = "arn:aws:logs:eu-west-1:123456789012:log-group:flow";
    json.resource.aws_flow_log.vpc.log_destination = "arn:aws:logs:eu-west-1:123456789012:log-group:flow";
    const e = estimateStack(loadStack(json, "fx"), { usage: USAGE, prices: roundPrices() });
    const logLines = (x: typeof e) => x.lines.filter((l) => l.address === "usage.flowLogsGb" || l.address === "usage.logIngestionGb").map((l) => [l.address, l.key, l.monthlyUsd, l.covers]);
    expect(logLines(e)).toEqual(logLines(estimate));
  });
});
