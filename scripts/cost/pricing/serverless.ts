/** Usage-based services: Lambda, SQS, SNS and S3, spread over all resources of their kind. */
import { asArray, literal, StackResource } from "../../stack-json";
import { CostLine, PricingContext } from "../model";

const memoryGb = (fn: StackResource) => Number(literal(fn.body.memory_size) ?? 128) / 1024;
const isArm = (fn: StackResource) => asArray<string>(fn.body.architectures).includes("arm64");

/**
 * Lambda requests and duration. The invocations are split evenly over the functions; each share
 * is priced at its function's memory and architecture (arm64 duration is cheaper).
 */
export function priceLambdaFunctions(functions: readonly StackResource[], ctx: PricingContext): CostLine[] {
  if (functions.length === 0) return [];
  const lines: CostLine[] = [];
  for (const arm of [true, false]) {
    const group = functions.filter((f) => isArm(f) === arm);
    if (group.length === 0) continue;
    const share = group.length / functions.length;
    const suffix = arm ? ".arm64" : "";
    const label = arm ? "arm64" : "x86_64";
    lines.push(
      ctx.usageLine("lambdaInvocations", group, { key: `requests-${label}`, item: `Lambda requests (${label})`, unit: "requests", priceId: `lambda.requests${suffix}`, quantity: (u) => u.lambdaInvocations * share }),
      ctx.usageLine("lambdaAverageDurationMs", group, {
        key: `duration-${label}`,
        item: `Lambda duration (${label}; usage.lambdaInvocations × usage.lambdaAverageDurationMs × memory)`,
        unit: "GB-seconds",
        priceId: `lambda.duration${suffix}`,
        quantity: (u) => group.reduce((sum, f) => sum + (u.lambdaInvocations / functions.length) * (u.lambdaAverageDurationMs / 1000) * memoryGb(f), 0),
      }),
    );
  }
  return lines;
}

export function priceQueues(queues: readonly StackResource[], ctx: PricingContext): CostLine[] {
  if (queues.length === 0) return [];
  const fifo = queues.filter((q) => q.body.fifo_queue === true || q.body.fifo_queue === "true");
  const lines = fifo.map((q) => ctx.notPriced(q, "requests", "FIFO queue requests", "only standard queues are in the price table"));
  const standard = queues.filter((q) => !fifo.includes(q));
  if (standard.length > 0) lines.push(ctx.usageLine("sqsRequests", standard, { key: "requests", item: "SQS standard requests", unit: "requests", priceId: "sqs.requests", quantity: (u) => u.sqsRequests }));
  return lines;
}

export function priceTopics(topics: readonly StackResource[], ctx: PricingContext): CostLine[] {
  if (topics.length === 0) return [];
  return [ctx.usageLine("snsPublishes", topics, { key: "publishes", item: "SNS publishes (email/HTTP deliveries not included)", unit: "requests", priceId: "sns.publishes", quantity: (u) => u.snsPublishes })];
}

export function priceBuckets(buckets: readonly StackResource[], ctx: PricingContext): CostLine[] {
  if (buckets.length === 0) return [];
  return [
    ctx.usageLine("s3StorageGb", buckets, { key: "storage", item: "S3 Standard storage", unit: "GB-month", priceId: "s3.standard.storage", quantity: (u) => u.s3StorageGb }),
    ctx.usageLine("s3PutRequests", buckets, { key: "put-requests", item: "S3 PUT/COPY/POST/LIST requests", unit: "requests", priceId: "s3.requests.tier1", quantity: (u) => u.s3PutRequests }),
    ctx.usageLine("s3GetRequests", buckets, { key: "get-requests", item: "S3 GET requests", unit: "requests", priceId: "s3.requests.tier2", quantity: (u) => u.s3GetRequests }),
  ];
}
