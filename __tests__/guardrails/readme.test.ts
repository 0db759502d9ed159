import { readFileSync } from "fs";
import { join } from "path";
import { loadEnvironments } from "../../environments/load";
import { rulesMarkdown } from "../../policies/catalogue";

describe("README guardrails table", () => {
  it("is the current rule catalogue with each environment's relaxations (out of date? paste `npm run check -- --rules`)", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const block = /<!-- BEGIN GENERATED GUARDRAILS -->\n([\s\S]*?)\n<!-- END GENERATED GUARDRAILS -->/.exec(readme)?.[1];
    const envs = loadEnvironments().map((e) => ({ name: e.name, relaxations: e.guardrails?.relaxations ?? [] }));
    expect(block).toBe(rulesMarkdown(envs));
  });
});
