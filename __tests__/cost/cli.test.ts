import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";

const ROOT = resolve(__dirname, "..", "..");

/** `npm run <script> -- <args>` without npm: node with the project's ts-hook, from the project root. */
function runScript(file: string, args: string[]) {
  return spawnSync(process.execPath, ["--require", join(ROOT, "scripts", "ts-hook.js"), join(ROOT, file), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
}
const cost = (...args: string[]) => runScript("scripts/cost/cli.ts", args);

describe("npm run cost", () => {
  it("--json prints one object whose total is the sum of its lines", () => {
    const result = cost("prod", "--json");
    expect(result.status).toBe(0);
    const estimate = JSON.parse(result.stdout);
    expect(estimate).toMatchObject({ environment: "prod", region: "eu-west-1", currency: "USD", priceDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    const sum = estimate.lines.reduce((s: number, l: { monthlyUsd: number | null }) => s + (l.monthlyUsd ?? 0), 0);
    expect(estimate.monthlyTotalUsd).toBeCloseTo(sum, 2);
    expect(estimate.lines.find((l: { key: string; item: string }) => l.key === "instance-hours" && /db\.m7g\.large/.test(l.item))).toMatchObject({ basis: "fixed", quantity: 730 });
  }, 60_000);

  it("prints a table with the fixed and usage-based totals and the price date", () => {
    const result = cost("dev");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Monthly cost estimate: dev \(eu-west-1\), prices of \d{4}-\d\d-\d\d/);
    expect(result.stdout).toMatch(/\n│ database\/instance +│ Instance hours \(db\.t4g\.micro,/);
    expect(result.stdout).toMatch(/\nFixed: +\$\d+\.\d\d\/month\nUsage-based: +\$\d+\.\d\d\/month \(from usage assumptions in environments\/dev\.ts\)\nTotal: +\$\d+\.\d\d\/month/);
  }, 60_000);

  it("names the allowed environments when given an unknown one, and exits 1", () => {
    const result = cost("staging");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Got "staging"; allowed: one of "dev", "prod".');
    expect(result.stdout).toBe("");
  });
});

describe("npm run compare-envs", () => {
  const tmp = mkdtempSync(join(tmpdir(), "compare-cost-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("appends dev against prod cost, line by line, and prints both totals", () => {
    const out = join(tmp, "dev-vs-prod.md");
    const result = runScript("scripts/compare-envs.ts", ["--out", out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^cost: dev \$\d+\.\d\d, prod \$[\d,]+\.\d\d per month \(prices of \d{4}-\d\d-\d\d\)$/m);
    const md = readFileSync(out, "utf8");
    expect(md).toMatch(/## Monthly cost\n\n\*\*dev \$\d+\.\d\d, prod \$[\d,]+\.\d\d per month/);
    expect(md).toMatch(/\| database\/instance \| Instance hours \(db\.t4g\.micro, PostgreSQL, Single-AZ\) → Instance hours \(db\.m7g\.large, PostgreSQL, Multi-AZ ×2\) \| \$\d+\.\d\d \| \$\d+\.\d\d \| \+\$\d+\.\d\d \|/);
    expect(md).toMatch(/\| network\/nat-a \| NAT gateway hours [^|]*\| — \| \$\d+\.\d\d \|/);
  }, 60_000);
});
