import { readFileSync } from "fs";
import { join } from "path";
import { loadEnvironments } from "../../environments/load";
import { USAGE_FIELDS } from "../../environments/validate-cost";
import { estimateStack } from "../../scripts/cost/estimate";
import { readmeCostBlock } from "../../scripts/cost/format";
import { synthesizeEnvironments } from "../../scripts/stack-json";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("README cost section", () => {
  it("shows the current dev and prod totals, largest lines and price date (out of date? paste `npm run cost -- --readme`)", () => {
    const block = /<!-- BEGIN GENERATED COST -->\n([\s\S]*?)\n<!-- END GENERATED COST -->/.exec(readme)?.[1];
    const stacks = synthesizeEnvironments();
    const estimates = loadEnvironments().map((env) => estimateStack(stacks.get(env.name)!, { environment: env.name, usage: env.usage }));
    expect(block).toBe(readmeCostBlock(estimates));
  });

  it("documents every usage assumption", () => {
    const section = readme.slice(readme.indexOf("## Cost and budgets"), readme.indexOf("## Environments"));
    for (const { field } of USAGE_FIELDS) expect(section).toContain(`\`${field}\``);
  });
});
