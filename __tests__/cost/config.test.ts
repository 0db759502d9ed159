import dev from "../../environments/dev";
import prod from "../../environments/prod";
import { EnvironmentConfig } from "../../environments/config";
import { ConfigError, validateEnvironment } from "../../environments/validate";
import { USAGE_FIELDS } from "../../environments/validate-cost";

/** Validates a deep copy of `base` changed by `edit`, as if it were environments/<name>.ts. */
function validateChanged(base: EnvironmentConfig, edit: (env: any) => void): () => EnvironmentConfig {
  const env = structuredClone(base) as any;
  edit(env);
  return () => validateEnvironment(env, `environments/${base.name}.ts`, base.name);
}

const devError = (detail: string) => `Invalid environment config environments/dev.ts (environment "dev"): ${detail}`;
const prodError = (detail: string) => `Invalid environment config environments/prod.ts (environment "prod"): ${detail}`;

describe("budget and usage config: a bad value stops synth with one line naming file, field and allowed values", () => {
  it.each<[string, EnvironmentConfig, (env: any) => void, string]>([
    ["missing budget", dev, (e) => delete e.budget, devError('budget is missing; allowed: { monthlyUsd: a number > 0 (USD), alertEmails?: ["team@example.com"] }.')],
    ["zero budget", dev, (e) => (e.budget.monthlyUsd = 0), devError("budget.monthlyUsd is 0; allowed: a number of US dollars greater than 0 and at most 1000000.")],
    ["negative budget", prod, (e) => (e.budget.monthlyUsd = -5), prodError("budget.monthlyUsd is -5; allowed: a number of US dollars greater than 0 and at most 1000000.")],
    ["budget as a string", dev, (e) => (e.budget.monthlyUsd = "100"), devError('budget.monthlyUsd is "100"; allowed: a number of US dollars greater than 0 and at most 1000000.')],
    ["budget without monthlyUsd", dev, (e) => (e.budget = { alertEmails: ["a@example.com"] }), devError("budget.monthlyUsd is missing; allowed: a number of US dollars greater than 0 and at most 1000000.")],
    ["malformed alert email", prod, (e) => (e.budget.alertEmails = ["ops@example.com", "not-an-email"]), prodError('budget.alertEmails[1] is "not-an-email"; allowed: an email address such as "team@example.com".')],
    ["email with a space", dev, (e) => (e.budget.alertEmails = ["ops team@example.com"]), devError('budget.alertEmails[0] is "ops team@example.com"; allowed: an email address such as "team@example.com".')],
    ["empty alert list", dev, (e) => (e.budget.alertEmails = []), devError("budget.alertEmails is []; allowed: a list of 1 to 10 email addresses, or leave it out for no alerts.")],
    ["missing usage", dev, (e) => delete e.usage, devError(`usage is missing; allowed: the monthly usage assumptions { ${USAGE_FIELDS.map((f) => f.field).join(", ")} } (0 is an explicit assumption).`)],
    ["usage field left out (never silently 0)", prod, (e) => delete e.usage.natProcessedGb, prodError("usage.natProcessedGb is missing; allowed: a number >= 0 (GB/month); 0 is an explicit assumption, never a default.")],
    ["negative usage", dev, (e) => (e.usage.s3StorageGb = -1), devError("usage.s3StorageGb is -1; allowed: a number >= 0 (GB-month); 0 is an explicit assumption, never a default.")],
    ["unknown usage field", dev, (e) => (e.usage.s3StorageGB = 5), devError(`usage.s3StorageGB is 5; allowed: not a usage assumption; allowed fields: ${USAGE_FIELDS.map((f) => f.field).join(", ")}.`)],
  ])("%s", (_title, base, edit, message) => {
    const run = validateChanged(base, edit);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new Error(message));
    let text = "";
    try {
      run();
    } catch (error) {
      text = (error as Error).message;
    }
    expect(text).not.toContain("\n");
  });

  it("accepts a budget without alert emails, and dev and prod as committed", () => {
    expect(() => validateChanged(dev, (e) => delete e.budget.alertEmails)()).not.toThrow();
    expect(validateEnvironment(prod, "environments/prod.ts", "prod").budget.monthlyUsd).toBeGreaterThan(0);
  });
});
