import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative, resolve } from "path";
import { parse } from "yaml";
import bootstrap from "../../bootstrap/config";
import { environmentNames } from "../../environments/load";

const root = resolve(__dirname, "..", "..");
const workflowDir = join(root, ".github", "workflows");
const files = [
  ...readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(workflowDir, f)),
  ...readdirSync(join(root, ".github", "actions")).map((d) => join(root, ".github", "actions", d, "action.yml")),
];
const text = (file: string) => readFileSync(file, "utf8");
const workflow = (name: string) => parse(text(join(workflowDir, name))) as { on: any; permissions: any; concurrency?: any; jobs: Record<string, Job> };

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: string | boolean;
  id?: string;
}
interface Job {
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: { include: Record<string, unknown>[] } };
  steps: Step[];
  if?: string;
  needs?: string | string[];
}

/**
 * Third-party actions, pinned by full commit SHA. Each SHA was found pinned with this version in
 * at least two independent public workflows (see the README's CI/CD section).
 */
const PINS: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8", version: "v5.0.0" },
  "actions/setup-node": { sha: "a0853c24544627f65ddf259abe73b1d18a591444", version: "v5.0.0" },
  "hashicorp/setup-terraform": { sha: "b9cd54a3c349d3f38e8881555d616ced269862dd", version: "v3.1.2" },
  "aws-actions/configure-aws-credentials": { sha: "a03048d87541d1d9fcf2ecf528a4a65ba9bd7838", version: "v5.0.0" },
  "actions/upload-artifact": { sha: "330a01c490aca151604b8cf639adc76d48f6c5d4", version: "v5.0.0" },
  "actions/download-artifact": { sha: "634f93cb2916e3fdff6788551b99b062d0335ce0", version: "v5.0.0" },
};

function validate(file: string): { status: number | null; output: string } {
  const cli = require.resolve("@action-validator/cli/cli.mjs", { paths: [root] });
  const result = spawnSync(process.execPath, [cli, file], { cwd: root, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("GitHub Actions workflows", () => {
  it("has the pull-request and deploy workflows and the setup action", () => {
    expect(files.map((f) => relative(root, f)).sort()).toEqual([".github/actions/setup/action.yml", ".github/workflows/deploy.yml", ".github/workflows/pull-request.yml"]);
  });

  it.each(files.map((f) => [relative(root, f), f]))("%s is valid for GitHub (action-validator's schemas)", (_, file) => {
    const result = validate(file);
    if (result.status !== 0) throw new Error(result.output);
  });

  it("the validator rejects a broken workflow (it really checks)", () => {
    const dir = mkdtempSync(join(tmpdir(), "workflow-"));
    try {
      const broken = join(dir, "broken.yml");
      writeFileSync(broken, text(join(workflowDir, "pull-request.yml")).replace("id-token: write", "id-token: writ"));
      const result = validate(broken);
      expect(result.status).toBe(1);
      expect(result.output).toContain("/permissions/id-token");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pins every third-party action by full commit SHA with its version in a comment", () => {
    const uses = files.flatMap((f) => [...text(f).matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ ref: m[1], rest: m[2], file: relative(root, f) })));
    expect(uses.length).toBeGreaterThan(10);
    for (const { ref, rest, file } of uses) {
      if (ref.startsWith("./")) continue;
      const [action, sha] = ref.split("@");
      const pin = PINS[action];
      if (!pin) throw new Error(`${file}: ${ref} is not one of the reviewed actions (${Object.keys(PINS).join(", ")})`);
      expect({ file, action, sha, comment: rest.trim() }).toEqual({ file, action, sha: pin.sha, comment: `# ${pin.version}` });
    }
    const used = new Set(uses.map((u) => u.ref.split("@")[0]));
    expect(Object.keys(PINS).filter((a) => !used.has(a))).toEqual([]);
  });

  describe.each(["pull-request.yml", "deploy.yml"])("%s", (name) => {
    const wf = workflow(name);
    const jobs = Object.entries(wf.jobs);

    it("grants nothing at the top; every job states its permissions, only the ones it uses", () => {
      expect(wf.permissions).toEqual({});
      for (const [id, job] of jobs) {
        expect([id, job.permissions]).toEqual([id, expect.any(Object)]);
        const usesOidc = job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        expect([id, job.permissions!["id-token"]]).toEqual([id, usesOidc ? "write" : undefined]);
        expect([id, job.permissions!.contents]).toEqual([id, "read"]);
        const downloadsFromAnotherRun = job.steps.some((s) => s.uses?.startsWith("actions/download-artifact@") && s.with?.["run-id"] !== undefined);
        expect([id, job.permissions!.actions]).toEqual([id, downloadsFromAnotherRun || job.steps.some((s) => /find-pr-plan/.test(s.run ?? "")) ? "read" : undefined]);
        const findsPullRequest = job.steps.some((s) => /find-pr-plan/.test(s.run ?? ""));
        expect([id, job.permissions!["pull-requests"]]).toEqual([id, id === "comment" ? "write" : findsPullRequest ? "read" : undefined]);
        const others = Object.keys(job.permissions!).filter((k) => !["contents", "id-token", "actions", "pull-requests"].includes(k));
        expect([id, others]).toEqual([id, []]);
      }
    });

    it("takes AWS credentials only through OIDC role ARNs from repository or environment variables", () => {
      for (const [, job] of jobs) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))) {
          expect(Object.keys(step.with!).sort()).toEqual(["aws-region", "role-session-name", "role-to-assume"]);
          expect(String(step.with!["role-to-assume"])).toMatch(/^\$\{\{ vars(\.AWS_DEPLOY_ROLE_ARN|\[matrix\.role\]) \}\}$/);
        }
      }
      expect(text(join(workflowDir, name))).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
    });

    it("puts no pull-request or event text into shell scripts (values go through env)", () => {
      for (const [, job] of jobs) for (const step of job.steps) expect(step.run ?? "").not.toMatch(/\$\{\{/);
    });

    it("checks out without keeping the token in the repository's git config", () => {
      for (const [, job] of jobs) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) expect(step.with).toEqual({ "persist-credentials": false });
      }
    });
  });

  describe("pull-request.yml", () => {
    const wf = workflow("pull-request.yml");

    it("runs on pull requests, including label changes (the allow-destroy acknowledgement)", () => {
      expect(wf.on).toEqual({ pull_request: { types: ["opened", "synchronize", "reopened", "labeled", "unlabeled"] } });
    });

    it("tests, then plans every environment with its plan role, outside any GitHub environment", () => {
      expect(wf.jobs.test.steps.map((s) => s.run ?? s.uses?.split("@")[0])).toEqual(["actions/checkout", "./.github/actions/setup", "npm test"]);
      const plan = wf.jobs.plan;
      expect(plan.needs).toBe("test");
      expect(plan.environment).toBeUndefined();
      const matrix = plan.strategy!.matrix.include;
      expect(matrix.map((m) => m.environment)).toEqual(environmentNames());
      expect(matrix.map((m) => m.environment)).toEqual([...bootstrap.github.environments]);
      expect(matrix.map((m) => m.role)).toEqual(matrix.map((m) => `AWS_PLAN_ROLE_ARN_${String(m.environment).toUpperCase()}`));
      expect(matrix.filter((m) => m.gate).map((m) => m.environment)).toEqual(["prod"]);
      expect(plan.steps.map((s) => s.run ?? s.uses?.split("@")[0])).toEqual([
        "actions/checkout",
        "./.github/actions/setup",
        "aws-actions/configure-aws-credentials",
        'npm run plan -- "$ENVIRONMENT"',
        expect.stringContaining("scripts/ci/saved-plan.ts record"),
        expect.stringContaining("scripts/ci/destructive-gate.ts"),
        "actions/upload-artifact",
        expect.stringContaining("exit 1"),
      ]);
    });

    it("uploads the plan folder without terraform's provider cache, and fails after the upload on unacknowledged destruction", () => {
      const upload = wf.jobs.plan.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
      expect(upload.with).toMatchObject({ name: "plan-${{ matrix.environment }}", "include-hidden-files": true, "if-no-files-found": "error" });
      expect(String(upload.with!.path).trim().split("\n")).toEqual(["plans/${{ matrix.environment }}/", "!plans/${{ matrix.environment }}/**/.terraform/"]);
      const gate = wf.jobs.plan.steps.find((s) => s.id === "gate")!;
      expect(gate.env).toEqual({ LABELS: "${{ toJSON(github.event.pull_request.labels.*.name) }}" });
      expect(wf.jobs.plan.steps.at(-1)!.if).toBe("matrix.gate && steps.gate.outputs.status != '0'");
    });

    it("posts one sticky comment, with pull-requests: write in that job only", () => {
      const writers = Object.entries(wf.jobs).filter(([, j]) => j.permissions?.["pull-requests"] === "write").map(([id, j]) => [id, j.permissions!["pull-requests"]]);
      expect(writers).toEqual([["comment", "write"]]);
      expect(wf.jobs.comment.if).toBe("always() && github.event.pull_request.head.repo.full_name == github.repository");
      expect(wf.jobs.comment.steps.at(-1)!.run).toContain(`pr-comment.ts build plans ${environmentNames().join(" ")} `);
      expect(wf.jobs.comment.steps.at(-1)!.run).toContain("pr-comment.ts post comment.md");
    });
  });

  describe("deploy.yml", () => {
    const wf = workflow("deploy.yml");

    it("runs on pushes to main only", () => {
      expect(wf.on).toEqual({ push: { branches: ["main"] } });
    });

    it("applies in each environment's GitHub environment, one apply at a time per environment", () => {
      expect(wf.jobs.dev.environment).toBe("dev");
      expect(wf.jobs.prod.environment).toBe("prod");
      expect(wf.jobs.dev.concurrency).toEqual({ group: "terraform-apply-dev", "cancel-in-progress": false });
      expect(wf.jobs.prod.concurrency).toEqual({ group: "terraform-apply-prod", "cancel-in-progress": false });
      expect(wf.jobs["prod-plan"].environment).toBeUndefined();
    });

    it("prod applies the reviewed pull request's plan after dev, and only after the saved-plan check", () => {
      const prod = wf.jobs.prod;
      expect(prod.needs).toEqual(["dev", "prod-plan"]);
      expect(prod.if).toBe("needs.prod-plan.outputs.found == 'true' && needs.prod-plan.outputs.has_changes == 'true'");
      const download = prod.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
      expect(download.with).toEqual({ name: "plan-prod", path: "plans/prod", "run-id": "${{ needs.prod-plan.outputs.run_id }}", "github-token": "${{ github.token }}" });
      const runs = prod.steps.map((s) => s.run ?? "").join("\n");
      expect(runs).not.toMatch(/npm run plan|terraform[^\n]* plan /);
      const check = runs.indexOf("saved-plan.ts check plans/prod --state plans/prod/state-now.json --tree");
      const apply = runs.indexOf('apply -input=false -no-color -lock-timeout=10m "$PWD/plans/prod/plan.tfplan"');
      expect(check).toBeGreaterThan(0);
      expect(apply).toBeGreaterThan(check);
      expect(wf.jobs["prod-plan"].steps.find((s) => s.id === "find")!.run).toContain("find-pr-plan.ts pull-request.yml");
      const planRuns = wf.jobs["prod-plan"].steps.map((s) => s.run ?? "").join("\n");
      expect(planRuns).toMatch(/find-pr-plan\.ts pull-request\.yml[\s\S]*saved-plan\.ts verify plans\/prod --tree[\s\S]*GITHUB_STEP_SUMMARY/);
    });

    it("dev plans, checks and applies its own saved plan", () => {
      const runs = wf.jobs.dev.steps.map((s) => s.run ?? "").join("\n");
      expect(runs).toMatch(/npm run plan -- dev[\s\S]*saved-plan.ts record plans\/dev[\s\S]*saved-plan.ts check plans\/dev[\s\S]*apply -input=false -no-color -lock-timeout=10m "\$PWD\/plans\/dev\/plan.tfplan"/);
    });
  });

  it("the README's table of pinned actions is the one the workflows use", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([\w-]+\/[\w-]+)` \| (v[\d.]+) \| `([0-9a-f]{40})` \|$/gm)].map((m) => [m[1], { version: m[2], sha: m[3] }]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(PINS).map(([a, p]) => [a, { version: p.version, sha: p.sha }])));
  });

  it("the setup action installs the terraform version the plans are made and applied with", () => {
    const action = parse(text(join(root, ".github", "actions", "setup", "action.yml"))) as { runs: { steps: Step[] } };
    const terraform = action.runs.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"))!;
    expect(terraform.with).toEqual({ terraform_version: "1.11.4", terraform_wrapper: false });
  });
});
