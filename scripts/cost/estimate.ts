/**
 * The monthly cost estimate of one synthesized stack: every managed resource is priced from the
 * price table, listed as free, or reported as "not priced" (unknown cost, never 0). Usage-based
 * items come from the environment's usage assumptions (`usage` in environments/<env>.ts).
 * Pure: no network, no cdktf.
 */
import type { UsageConfig } from "../../environments/config";
import { Stack, StackResource } from "../stack-json";
import { CostLine, Estimate, PricingContext, round2 } from "./model";
import { PriceBook } from "./prices";
import { priceDlmPolicy, priceEbsVolume, priceInstance } from "./pricing/compute";
import { priceDbInstance, priceDynamodbTables } from "./pricing/database";
import { priceEip, priceNatGateway, priceNetworkUsage, priceVpcEndpoint } from "./pricing/network";
import {
  priceAlarm,
  priceBudget,
  priceCompositeAlarm,
  priceLogMetricFilter,
  priceSsmParameter,
  priceBudgetAction,
  priceDashboard,
  priceDistributions,
  priceKmsKey,
  priceLogs,
  priceSecret,
  priceWebAcl,
} from "./pricing/operations";
import { priceBuckets, priceLambdaFunctions, priceQueues, priceTopics } from "./pricing/serverless";

type ResourcePricer = (r: StackResource, ctx: PricingContext) => CostLine[];
type GroupPricer = (resources: readonly StackResource[], ctx: PricingContext) => CostLine[];

/** Types priced one resource at a time. */
const PER_RESOURCE: Readonly<Record<string, ResourcePricer>> = {
  aws_instance: priceInstance,
  aws_ebs_volume: priceEbsVolume,
  aws_dlm_lifecycle_policy: priceDlmPolicy,
  aws_db_instance: priceDbInstance,
  aws_nat_gateway: priceNatGateway,
  aws_eip: priceEip,
  aws_vpc_endpoint: priceVpcEndpoint,
  aws_cloudwatch_metric_alarm: priceAlarm,
  aws_cloudwatch_composite_alarm: priceCompositeAlarm,
  aws_cloudwatch_log_metric_filter: priceLogMetricFilter,
  aws_ssm_parameter: priceSsmParameter,
  aws_cloudwatch_dashboard: priceDashboard,
  aws_kms_key: priceKmsKey,
  aws_secretsmanager_secret: priceSecret,
  aws_wafv2_web_acl: priceWebAcl,
  aws_budgets_budget: priceBudget,
  aws_budgets_budget_action: priceBudgetAction,
};

/** Types whose cost is usage spread over all resources of the type (one set of lines per type). */
const BY_TYPE: Readonly<Record<string, GroupPricer>> = {
  aws_lambda_function: priceLambdaFunctions,
  aws_dynamodb_table: priceDynamodbTables,
  aws_sqs_queue: priceQueues,
  aws_sns_topic: priceTopics,
  aws_s3_bucket: priceBuckets,
  aws_cloudfront_distribution: priceDistributions,
};

/** Pricers over several types at once (usage that depends on how resources relate). */
const ACROSS_TYPES: readonly GroupPricer[] = [priceNetworkUsage, priceLogs];
/** Types handled by ACROSS_TYPES (their resources get no "not priced" line of their own). */
const COVERED_ACROSS = new Set(["aws_cloudwatch_log_group"]);

export interface EstimateOptions {
  /** Environment name (default: the stack's name). */
  readonly environment?: string;
  /** The environment's usage assumptions; without them usage lines are "not priced". */
  readonly usage?: UsageConfig;
  readonly prices?: PriceBook;
  /** Region when the stack has no AWS provider block (default eu-west-1). */
  readonly region?: string;
}

/** Is this resource type priced, free, or unknown to the estimator? */
export function pricingOf(type: string, prices: PriceBook = new PriceBook()): "priced" | "free" | "not priced" {
  if (PER_RESOURCE[type] || BY_TYPE[type] || COVERED_ACROSS.has(type)) return "priced";
  return prices.freeReason(type) !== undefined ? "free" : "not priced";
}

export function estimateStack(stack: Stack, options: EstimateOptions = {}): Estimate {
  const prices = options.prices ?? new PriceBook();
  const ctx = new PricingContext(stack, prices, options.usage, options.region ?? "eu-west-1");
  const managed = [...stack.resources.values()].filter((r) => r.mode === "managed").sort((a, b) => a.address.localeCompare(b.address));
  const lines: CostLine[] = [];
  for (const r of managed) {
    const pricer = PER_RESOURCE[r.type];
    if (pricer) lines.push(...pricer(r, ctx));
    else if (BY_TYPE[r.type] || COVERED_ACROSS.has(r.type)) continue;
    else if (prices.freeReason(r.type) !== undefined) {
      lines.push({ address: r.address, type: r.type, path: r.path, key: "free", item: "No charge", monthlyUsd: 0, basis: "free", note: prices.freeReason(r.type) });
    } else {
      lines.push(ctx.notPriced(r, "unknown", "Not priced", `resource type ${r.type} is not in the price table (scripts/cost/price-table.json)`));
    }
  }
  for (const [type, pricer] of Object.entries(BY_TYPE)) lines.push(...pricer(managed.filter((r) => r.type === type), ctx));
  for (const pricer of ACROSS_TYPES) lines.push(...pricer(managed, ctx));

  const sum = (basis: CostLine["basis"]) => round2(lines.filter((l) => l.basis === basis).reduce((s, l) => s + (l.monthlyUsd ?? 0), 0));
  const fixed = sum("fixed");
  const usage = sum("usage");
  return {
    environment: options.environment ?? stack.name,
    region: ctx.defaultRegionOfStack(),
    currency: "USD",
    priceDate: prices.table.date,
    lines,
    fixedMonthlyUsd: fixed,
    usageMonthlyUsd: usage,
    monthlyTotalUsd: round2(fixed + usage),
    notPriced: lines.filter((l) => l.basis === "not priced").length,
  };
}
