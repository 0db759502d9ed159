import { ALL_RULES } from "./rules";
import { Relaxation, Rule, StackReport } from "./types";

export interface EnvironmentRelaxations {
  readonly name: string;
  readonly relaxations: readonly Relaxation[];
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const ids = (list: readonly string[]) => (list.length > 0 ? list.join(", ") : "—");

/**
 * The rule catalogue as Markdown (README "Guardrails" table): one row per rule with its
 * severity, checkov / cdk-nag equivalents and whether each environment enforces or relaxes it,
 * then each environment's relaxations with their reasons.
 */
export function rulesMarkdown(environments: readonly EnvironmentRelaxations[], rules: readonly Rule[] = ALL_RULES): string {
  const envs = environments.map((e) => e.name);
  const lines = [
    `| Rule | Severity | Requirement | checkov | cdk-nag | ${envs.join(" | ")} |`,
    `| --- | --- | --- | --- | --- | ${envs.map(() => "---").join(" | ")} |`,
  ];
  for (const rule of rules) {
    const status = environments.map((e) => {
      const r = e.relaxations.filter((x) => x.rule === rule.id);
      if (r.length === 0) return "enforced";
      return r.map((x) => (x.scope ? `relaxed (${x.scope})` : "relaxed")).join(", ");
    });
    lines.push(`| ${rule.id} | ${rule.severity} | ${cell(rule.title)} | ${ids(rule.checkov)} | ${ids(rule.cdkNag)} | ${status.join(" | ")} |`);
  }
  for (const env of environments) {
    lines.push("", `**${env.name}** relaxes ${env.relaxations.length === 0 ? "nothing." : `${env.relaxations.length} rule(s):`}`);
    for (const r of env.relaxations) lines.push(`- ${r.rule}${r.scope ? ` (scope \`${r.scope}\`)` : ""}: ${r.reason}`);
  }
  return lines.join("\n");
}

/** The machine-readable report `npm run check` writes (cdktf.out/guardrails.json). */
export function jsonReport(reports: readonly StackReport[], source: string): unknown {
  return {
    tool: "guardrails",
    generatedAt: new Date().toISOString(),
    source,
    ok: reports.every((r) => r.ok),
    rules: ALL_RULES.map(({ id, service, severity, title, explanation, fix, checkov, cdkNag }) => ({ id, service, severity, title, explanation, fix, checkov, cdkNag })),
    stacks: reports,
  };
}
