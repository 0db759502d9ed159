/** Monitoring, security and edge: logs, alarms, dashboards, KMS, Secrets Manager, WAF, CloudFront, budget actions. */
import { asArray, literal, referencesIn, StackResource } from "../../stack-json";
import { CostLine, PricingContext } from "../model";

const num = (v: unknown): number | undefined => {
  const s = literal(v);
  return s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
};
/** Months of logs kept at steady state for a retention in days (never expire: counted as 12 months). */
const monthsKept = (days: number | undefined) => (days === undefined || days === 0 ? 12 : days / (365 / 12));
const DAYS_PER_MONTH = 365 / 12;

/**
 * CloudWatch Logs: ingestion (usage.logIngestionGb over the application log groups, and
 * usage.flowLogsGb as vended logs for flow-log destinations) and the storage each group holds at
 * steady state (its monthly share × its retention in months).
 */
export function priceLogs(all: readonly StackResource[], ctx: PricingContext): CostLine[] {
  const groups = all.filter((r) => r.type === "aws_cloudwatch_log_group");
  const flowLogs = all.filter((r) => r.type === "aws_flow_log" && (literal(r.body.log_destination_type) ?? "cloud-watch-logs") === "cloud-watch-logs");
  // A flow log names its group by reference in the configuration, by ARN in the state.
  const flowTargets = new Set(flowLogs.flatMap((f) => referencesIn(f.body.log_destination, ctx.stack)));
  const flowArns = new Set(flowLogs.map((f) => literal(f.body.log_destination)?.replace(/:\*$/, "")).filter(Boolean));
  const flowGroups = groups.filter((g) => flowTargets.has(g.address) || flowArns.has(literal(g.body.arn)?.replace(/:\*$/, "")));
  const appGroups = groups.filter((g) => !flowGroups.includes(g));
  const lines: CostLine[] = [];
  const storedGb = (list: StackResource[], monthly: number) =>
    list.reduce((sum, g) => sum + (monthly / list.length) * monthsKept(num(g.body.retention_in_days)), 0);
  if (appGroups.length > 0) {
    lines.push(
      ctx.usageLine("logIngestionGb", appGroups, { key: "ingestion", item: "CloudWatch Logs ingestion", unit: "GB", priceId: "logs.ingestion", quantity: (u) => u.logIngestionGb }),
      ctx.usageLine("logIngestionGb", appGroups, { key: "storage", item: "CloudWatch Logs storage (monthly ingestion × retention, uncompressed)", unit: "GB-month", priceId: "logs.storage", quantity: (u) => storedGb(appGroups, u.logIngestionGb) }),
    );
  }
  if (flowLogs.length > 0) {
    lines.push(ctx.usageLine("flowLogsGb", flowLogs, { key: "ingestion", item: "VPC flow logs delivered to CloudWatch Logs (vended logs)", unit: "GB", priceId: "logs.vended-ingestion", quantity: (u) => u.flowLogsGb }));
    if (flowGroups.length > 0) {
      lines.push(ctx.usageLine("flowLogsGb", flowGroups, { key: "storage", item: "Flow log storage (monthly volume × retention, uncompressed)", unit: "GB-month", priceId: "logs.storage", quantity: (u) => storedGb(flowGroups, u.flowLogsGb) }));
    }
  }
  return lines;
}

/** One alarm: standard or high resolution (period < 60 s), per metric it evaluates. */
export function priceAlarm(r: StackResource, ctx: PricingContext): CostLine[] {
  const queries = asArray<Record<string, unknown>>(r.body.metric_query);
  const metrics = queries.length === 0 ? 1 : queries.filter((q) => asArray(q.metric).length > 0).length || 1;
  const periods = [num(r.body.period), ...queries.map((q) => num(asArray(q.metric)[0]?.period))].filter((p): p is number => p !== undefined);
  const highResolution = periods.some((p) => p < 60);
  return [
    ctx.line(r, {
      key: "alarm",
      item: `${highResolution ? "High-resolution" : "Standard"} alarm (${metrics} metric${metrics === 1 ? "" : "s"})`,
      quantity: metrics,
      unit: "alarm metric-months",
      priceId: highResolution ? "cloudwatch.alarm.high-resolution" : "cloudwatch.alarm.standard",
    }),
  ];
}

export function priceCompositeAlarm(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "alarm", item: "Composite alarm", quantity: 1, unit: "alarm-months", priceId: "cloudwatch.composite-alarm" })];
}

/** A log metric filter publishes a custom metric (one per dimension combination; one assumed). */
export function priceLogMetricFilter(r: StackResource, ctx: PricingContext): CostLine[] {
  const dimensions = Object.keys((asArray(r.body.metric_transformation)[0]?.dimensions ?? {}) as object).length;
  return [ctx.line(r, { key: "metric", item: `Custom metric from a log metric filter${dimensions > 0 ? " (one per dimension value combination; 1 assumed)" : ""}`, quantity: 1, unit: "metric-months", priceId: "ec2.detailed-monitoring-metric" })];
}

/** SSM parameters: the Standard tier is free; Advanced parameters are not in the price table. */
export function priceSsmParameter(r: StackResource, ctx: PricingContext): CostLine[] {
  const tier = literal(r.body.tier) ?? "Standard";
  if (tier === "Standard") return [{ address: r.address, type: r.type, path: r.path, key: "parameter", item: "Standard parameter", monthlyUsd: 0, basis: "free", note: "Standard parameters are free" }];
  return [ctx.notPriced(r, "parameter", `${tier} parameter`, `no price for ${tier}-tier parameters`)];
}

export function priceDashboard(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "dashboard", item: "Dashboard (the account's first 3 are free; not deducted)", quantity: 1, unit: "dashboard-months", priceId: "cloudwatch.dashboard" })];
}

export function priceKmsKey(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "key", item: "Customer managed key (requests not included)", quantity: 1, unit: "key-months", priceId: "kms.key" })];
}

export function priceSecret(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "secret", item: "Secret (API calls not included)", quantity: 1, unit: "secret-months", priceId: "secretsmanager.secret" })];
}

export function priceBudget(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "budget", item: "Budget (the account's first 2 are free; not deducted)", quantity: DAYS_PER_MONTH, unit: "budget-days", priceId: "budgets.budget" })];
}

export function priceBudgetAction(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "action", item: "Action-enabled budget (the account's first 2 are free; not deducted)", quantity: DAYS_PER_MONTH, unit: "budget-days", priceId: "budgets.action-enabled-budget" })];
}

/** WAF web ACL: the ACL and its rules; CloudFront-scoped ACLs are billed in us-east-1 and inspect the CloudFront requests. */
export function priceWebAcl(r: StackResource, ctx: PricingContext): CostLine[] {
  const cloudfront = literal(r.body.scope) === "CLOUDFRONT";
  const region = cloudfront ? "us-east-1" : ctx.regionOf(r);
  const rules = asArray(r.body.rule).length;
  const lines = [ctx.line(r, { key: "web-acl", item: "WAF web ACL", quantity: 1, unit: "ACL-months", priceId: "waf.web-acl" }, region)];
  if (rules > 0) lines.push(ctx.line(r, { key: "rules", item: `WAF rules (${rules})`, quantity: rules, unit: "rule-months", priceId: "waf.rule" }, region));
  if (!cloudfront) {
    lines.push(ctx.notPriced(r, "requests", "WAF requests", "requests of a regional web ACL have no usage assumption"));
  } else if (!ctx.usage) {
    lines.push(ctx.notPriced(r, "requests", "WAF requests", "no usage assumptions given (usage.cloudfrontRequests)"));
  } else {
    lines.push(ctx.line(r, { key: "requests", item: "WAF requests inspected (usage.cloudfrontRequests)", quantity: ctx.usage.cloudfrontRequests, unit: "requests", priceId: "waf.requests", basis: "usage" }, region));
  }
  return lines;
}

/** CloudFront: no fixed cost; HTTPS requests and data transfer out from the usage assumptions. */
export function priceDistributions(distributions: readonly StackResource[], ctx: PricingContext): CostLine[] {
  if (distributions.length === 0) return [];
  return [
    ctx.usageLine("cloudfrontRequests", distributions, { key: "requests", item: "CloudFront HTTPS requests (Europe/US edges)", unit: "requests", priceId: "cloudfront.requests-https", quantity: (u) => u.cloudfrontRequests }),
    ctx.usageLine("cloudfrontDataTransferOutGb", distributions, { key: "data-out", item: "CloudFront data transfer out (Europe/US edges)", unit: "GB", priceId: "cloudfront.data-transfer-out", quantity: (u) => u.cloudfrontDataTransferOutGb }),
  ];
}
