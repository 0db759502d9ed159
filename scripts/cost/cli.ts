/**
 * `npm run cost -- <env> [--json]`: the monthly cost estimate of an environment's synthesized
 * stack, line by line, from the committed price table (scripts/cost/price-table.json) and the
 * environment's usage assumptions. --json prints one JSON object ({ lines, monthlyTotalUsd, ... }).
 */
import { parseArgs } from "util";
import { environmentNames, loadEnvironments } from "../../environments/load";
import { ConfigError } from "../../environments/validate";
import { synthesizeEnvironments } from "../stack-json";
import { estimateStack } from "./estimate";
import { estimateTable, readmeCostBlock } from "./format";

const USAGE = "Usage: npm run cost -- <environment> [--json]\n       npm run cost -- --readme   (the README block: every environment's totals and largest lines)";

export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false }, readme: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) return process.stdout.write(`${USAGE}\n`), 0;
  if (values.readme) {
    const environments = loadEnvironments();
    const stacks = synthesizeEnvironments();
    process.stdout.write(`${readmeCostBlock(environments.map((env) => estimateStack(stacks.get(env.name)!, { environment: env.name, usage: env.usage })))}\n`);
    return 0;
  }
  const names = environmentNames();
  if (positionals.length !== 1 || !names.includes(positionals[0])) {
    const given = positionals.length === 0 ? "no environment" : `"${positionals.join(" ")}"`;
    process.stderr.write(`Got ${given}; allowed: one of ${names.map((n) => `"${n}"`).join(", ")}.\n${USAGE}\n`);
    return 1;
  }
  const name = positionals[0];
  try {
    const env = loadEnvironments().find((e) => e.name === name)!;
    const stack = synthesizeEnvironments().get(name)!;
    const estimate = estimateStack(stack, { environment: name, usage: env.usage });
    process.stdout.write(values.json ? `${JSON.stringify(estimate, null, 2)}\n` : `${estimateTable(estimate)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) return process.stderr.write(`${error.message}\n`), 1;
    throw error;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
