import dev from "../../environments/dev";
import prod from "../../environments/prod";
import { EnvironmentConfig, GuardrailRelaxation } from "../../environments/config";
import { ConfigError, validateEnvironment } from "../../environments/validate";
import { RULE_IDS } from "../../policies/rules";

/** dev.ts with other relaxations, validated as if it were environments/dev.ts. */
function withRelaxations(relaxations: unknown): () => EnvironmentConfig {
  const env = { ...structuredClone(dev), guardrails: { relaxations } };
  return () => validateEnvironment(env, "environments/dev.ts", "dev");
}

const devError = (detail: string) => `Invalid environment config environments/dev.ts (environment "dev"): ${detail}`;

describe("guardrail relaxations in an environment config", () => {
  it("dev and prod name known rules, each with a reason", () => {
    for (const env of [dev, prod]) {
      expect(() => validateEnvironment(env, `environments/${env.name}.ts`, env.name)).not.toThrow();
      for (const r of env.guardrails?.relaxations ?? []) {
        expect(RULE_IDS).toContain(r.rule);
        expect(r.reason.length).toBeGreaterThanOrEqual(10);
      }
    }
  });

  it("are optional", () => {
    const { guardrails: _omitted, ...env } = structuredClone(dev);
    expect(() => validateEnvironment(env, "environments/dev.ts", "dev")).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    [
      "an unknown rule id",
      [{ rule: "WP-RDS-999", reason: "single-AZ is fine for dev" }],
      'guardrails.relaxations[0].rule is "WP-RDS-999"; allowed: a guardrail rule id such as "WP-RDS-005" (see `npm run check -- --rules` or policies/rules/).',
    ],
    [
      "a checkov id instead of a rule id",
      [{ rule: "CKV_AWS_157", reason: "single-AZ is fine for dev" }],
      'guardrails.relaxations[0].rule is "CKV_AWS_157"; allowed: a guardrail rule id such as "WP-RDS-005" (see `npm run check -- --rules` or policies/rules/).',
    ],
    [
      "a missing reason",
      [{ rule: "WP-RDS-005" }],
      "guardrails.relaxations[0].reason is missing; allowed: a sentence (at least 10 characters) saying why this environment accepts the risk.",
    ],
    [
      "a token reason",
      [{ rule: "WP-RDS-005", reason: "n/a" }],
      'guardrails.relaxations[0].reason is "n/a"; allowed: a sentence (at least 10 characters) saying why this environment accepts the risk.',
    ],
    [
      "a malformed scope",
      [{ rule: "WP-RDS-005", reason: "single-AZ is fine for dev", scope: "/database/" }],
      'guardrails.relaxations[0].scope is "/database/"; allowed: a construct path inside the stack, e.g. "web" or "database/instance".',
    ],
    [
      "the same rule twice",
      [
        { rule: "WP-RDS-005", reason: "single-AZ is fine for dev" },
        { rule: "WP-RDS-005", reason: "said it already, twice" },
      ],
      'guardrails.relaxations[1].rule is "WP-RDS-005"; allowed: a rule not already relaxed (with the same scope) earlier in the list.',
    ],
    ["not a list", { rule: "WP-RDS-005" }, 'guardrails.relaxations is {"rule":"WP-RDS-005"}; allowed: a list of { rule, reason, scope? }.'],
  ])("reject %s with one message naming the file and the field", (_case, relaxations, detail) => {
    const validate = withRelaxations(relaxations);
    expect(validate).toThrow(ConfigError);
    expect(validate).toThrow(devError(detail));
  });

  it("accept the same rule for two different scopes", () => {
    const relaxations: GuardrailRelaxation[] = [
      { rule: "WP-EBS-001", reason: "scratch volume of the web tier", scope: "web" },
      { rule: "WP-EBS-001", reason: "scratch volume of the batch tier", scope: "batch" },
    ];
    expect(withRelaxations(relaxations)).not.toThrow();
  });
});
