/**
 * Validation of an environment's `budget` and `usage` (the cost settings). Called by
 * environments/validate.ts with its `fail`, so a bad value stops synth with the usual one-line
 * ConfigError naming the file, the field and what is allowed.
 */
import { BudgetConfig, UsageConfig } from "./config";

type Fail = (field: string, value: unknown, allowed: string) => never;

/** Every usage assumption, with its unit (README, `npm run cost` and validation use this list). */
export const USAGE_FIELDS: readonly { readonly field: keyof UsageConfig; readonly unit: string }[] = [
  { field: "s3StorageGb", unit: "GB-month" },
  { field: "s3PutRequests", unit: "requests/month" },
  { field: "s3GetRequests", unit: "requests/month" },
  { field: "lambdaInvocations", unit: "invocations/month" },
  { field: "lambdaAverageDurationMs", unit: "ms" },
  { field: "dynamodbReadRequestUnits", unit: "RRU/month" },
  { field: "dynamodbWriteRequestUnits", unit: "WRU/month" },
  { field: "dynamodbStorageGb", unit: "GB-month" },
  { field: "sqsRequests", unit: "requests/month" },
  { field: "snsPublishes", unit: "publishes/month" },
  { field: "dataTransferOutGb", unit: "GB/month" },
  { field: "natProcessedGb", unit: "GB/month" },
  { field: "vpcEndpointProcessedGb", unit: "GB/month" },
  { field: "logIngestionGb", unit: "GB/month" },
  { field: "flowLogsGb", unit: "GB/month" },
  { field: "snapshotChangedGbPerDay", unit: "GB/day" },
  { field: "cloudfrontRequests", unit: "requests/month" },
  { field: "cloudfrontDataTransferOutGb", unit: "GB/month" },
];

/** A practical email address: local@domain.tld, no spaces, one @. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const MAX_BUDGET_USD = 1_000_000;
const MAX_USAGE = 1e15;

export function validateBudget(raw: unknown, fail: Fail): void {
  const budget = raw as Partial<BudgetConfig> | undefined;
  if (budget === undefined || budget === null || typeof budget !== "object") {
    fail("budget", raw, `{ monthlyUsd: a number > 0 (USD), alertEmails?: ["team@example.com"] }`);
  }
  const usd = budget!.monthlyUsd;
  if (typeof usd !== "number" || !Number.isFinite(usd) || usd <= 0 || usd > MAX_BUDGET_USD) {
    fail("budget.monthlyUsd", usd, `a number of US dollars greater than 0 and at most ${MAX_BUDGET_USD}`);
  }
  if (budget!.alertEmails !== undefined) {
    const emails = budget!.alertEmails;
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 10) {
      fail("budget.alertEmails", emails, "a list of 1 to 10 email addresses, or leave it out for no alerts");
    }
    emails.forEach((email, i) => {
      if (typeof email !== "string" || !EMAIL.test(email)) fail(`budget.alertEmails[${i}]`, email, 'an email address such as "team@example.com"');
    });
    if (new Set(emails).size !== emails.length) fail("budget.alertEmails", emails, "distinct email addresses");
  }
}

export function validateUsage(raw: unknown, fail: Fail): void {
  const usage = raw as Partial<Record<keyof UsageConfig, unknown>> | undefined;
  if (usage === undefined || usage === null || typeof usage !== "object") {
    fail("usage", raw, `the monthly usage assumptions { ${USAGE_FIELDS.map((f) => f.field).join(", ")} } (0 is an explicit assumption)`);
  }
  for (const { field, unit } of USAGE_FIELDS) {
    const value = usage![field];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_USAGE) {
      fail(`usage.${field}`, value, `a number >= 0 (${unit}); 0 is an explicit assumption, never a default`);
    }
  }
  const known = new Set<string>(USAGE_FIELDS.map((f) => f.field));
  for (const key of Object.keys(usage!)) {
    if (!known.has(key)) fail(`usage.${key}`, usage![key as keyof UsageConfig], `not a usage assumption; allowed fields: ${[...known].join(", ")}`);
  }
}
