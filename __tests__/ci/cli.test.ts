import { spawnSync } from "child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { strToU8, zipSync } from "fflate";
import { MARKER } from "../../scripts/ci/pr-comment";

// The scripts as the workflows run them: `node --require ./scripts/ts-hook.js scripts/ci/<x>.ts ...`.
const root = resolve(__dirname, "..", "..");
function script(name: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env };
  for (const k of ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_SHA", "PR_NUMBER", "GITHUB_OUTPUT"]) delete clean[k];
  const result = spawnSync(process.execPath, ["--require", "./scripts/ts-hook.js", `scripts/ci/${name}.ts`, ...args], { cwd: root, env: { ...clean, ...env }, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the CI scripts as the workflows call them", () => {
  let plans: string;
  beforeAll(() => {
    plans = mkdtempSync(join(tmpdir(), "ci-cli-"));
    const prod = join(plans, "prod");
    mkdirSync(prod);
    writeFileSync(join(prod, "plan.tfplan"), zipSync({ tfstate: strToU8(JSON.stringify({ version: 4, lineage: "l-1", serial: 3 })) }));
    copyFileSync(join(root, "__tests__", "plan", "fixtures", "replace-rds.plan.json"), join(prod, "plan.json"));
    writeFileSync(join(prod, "summary.md"), "# Plan summary: `prod`\n\n**1 to replace**\n");
  });
  afterAll(() => rmSync(plans, { recursive: true, force: true }));

  it("record, the gate, the comment: one PR plan job's steps", () => {
    const recorded = script("saved-plan", ["record", join(plans, "prod"), "--tree", "abc"]);
    expect(recorded.status).toBe(0);
    expect(recorded.stdout).toMatch(/^Recorded .*saved-plan\.json: plan sha256 [0-9a-f]{64}, made from lineage l-1 serial 3\.\n$/);

    const blocked = script("destructive-gate", [join(plans, "prod", "plan.json"), "--labels", "[]"]);
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toMatch(/^❌ \d+ resource\(s\) deleted or replaced\./);
    writeFileSync(join(plans, "prod", "gate.md"), blocked.stdout);
    expect(script("destructive-gate", [join(plans, "prod", "plan.json"), "--labels", '["allow-destroy"]']).status).toBe(0);

    const comment = script("pr-comment", ["build", plans, "dev", "prod", "--commit", "0123456789", "--run-url", "https://github.example/r/1", "--artifact", "plan-<environment>"]);
    expect(comment.status).toBe(0);
    expect(comment.stdout.startsWith(`${MARKER}\n## Terraform plans for 0123456\n`)).toBe(true);
    expect(comment.stdout).toContain("| `dev` | ❌ plan failed (see the run log) | not gated | — |");
    expect(comment.stdout).toMatch(/\| `prod` \| 1 to replace \| ❌ \d+ resource\(s\) deleted or replaced\. .* \| `[0-9a-f]{12}…` \|/);

    const verified = script("saved-plan", ["verify", join(plans, "prod"), "--tree", "abc"]);
    expect([verified.status, verified.stdout]).toEqual([0, expect.stringMatching(/^Plan sha256 /)]);
    expect(JSON.parse(readFileSync(join(plans, "prod", "saved-plan.json"), "utf8")).tree).toBe("abc");
  }, 60_000);

  it("say what they need when the workflow's environment is missing", () => {
    expect(script("find-pr-plan", ["pull-request.yml"])).toMatchObject({ status: 1, stderr: "Usage: find-pr-plan.ts <workflow file name> (missing GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA)\n" });
    expect(script("pr-comment", ["post", "comment.md"])).toMatchObject({ status: 1, stderr: "pr-comment post needs GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER\n" });
    expect(script("saved-plan", ["apply", plans]).status).toBe(1);
  }, 60_000);
});
