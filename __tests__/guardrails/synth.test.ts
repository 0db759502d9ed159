import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { App } from "cdktf";
import dev from "../../environments/dev";
import prod from "../../environments/prod";
import { applyGuardrails, describeGuardrailFailure } from "../../policies";
import { PlatformStack } from "../../stacks/platform-stack";
import { tf } from "./fixtures/helpers";

const ROOT = resolve(__dirname, "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "guardrails-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a TypeScript file like the cdktf app command does (node --require ./scripts/ts-hook.js), from the project root. */
function runTs(file: string, args: string[] = []) {
  return spawnSync(process.execPath, ["--require", join(ROOT, "scripts", "ts-hook.js"), file, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: join(ROOT, "node_modules"), FORCE_COLOR: "0" },
  });
}

describe("synth with applyGuardrails", () => {
  it("fails on an insecure configuration, naming rule, address and construct path, and writes nothing for that stack", () => {
    const outdir = join(tmp, "bad");
    const app = new App({ outdir });
    const logged: string[] = [];
    // dev's config without its relaxations
    new PlatformStack(app, { ...dev, guardrails: undefined }, { guardrails: { log: (text) => logged.push(text) } });
    let failure: unknown;
    try {
      app.synth();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/\[dev\] guardrails: WP-RDS-005 error aws_db_instance\.database_instance_[0-9A-F]+ \(dev\/database\/instance\): multi_az is not true\. Fix: /);
    expect(message).toContain("WP-VPC-003 error aws_vpc.network_vpc_");
    expect(logged.join("\n")).toMatch(/^guardrails dev: \d+ rules, \d+ checks: \d+ passed, 1[0-9] errors/);
    expect(existsSync(join(outdir, "stacks", "dev", "cdk.tf.json"))).toBe(false);

    const clean = describeGuardrailFailure(failure)!;
    expect(clean.split("\n")[0]).toMatch(/^Guardrails failed: \d+ error-level violation\(s\)/);
    expect(clean).not.toContain("skipValidation");
    expect(describeGuardrailFailure(new Error("something else"))).toBeUndefined();
  });

  it("passes with the environment's relaxations and records them as annotations in the manifest", () => {
    const outdir = join(tmp, "good");
    const app = new App({ outdir });
    const logged: string[] = [];
    new PlatformStack(app, prod, { guardrails: { log: (text) => logged.push(text) } });
    app.synth();
    expect(existsSync(join(outdir, "stacks", "prod", "cdk.tf.json"))).toBe(true);
    expect(logged.join("\n")).toContain("relaxed WP-EC2-004 (1 resource): The web server is this architecture's internet entry point");
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { annotations: { level: string; message: string }[] }> };
    const annotations = manifest.stacks.prod.annotations.map((a) => `${a.level} ${a.message}`);
    expect(annotations).toContainEqual(expect.stringMatching(/^@cdktf\/info guardrails: WP-EC2-004 relaxed for prod: /));
    expect(annotations).toContainEqual(expect.stringMatching(/^@cdktf\/warn guardrails: WP-SG-005 warning /));
  });

  it("refuses to be registered twice on one stack (PlatformStack registers itself)", () => {
    const stack = new PlatformStack(new App({ outdir: join(tmp, "twice") }), prod);
    expect(() => applyGuardrails(stack, [])).toThrow("applyGuardrails was already called");
  });

  it("exits non-zero from a small app whose construct opens SSH to the internet, printing the report", () => {
    const file = join(tmp, "insecure-app.ts");
    writeFileSync(
      file,
      [
        'import { App, TerraformStack } from "cdktf";',
        'import { AwsProvider } from "@cdktf/provider-aws/lib/provider";',
        `import { SecurityGroup } from ${JSON.stringify(join(ROOT, "constructs", "security-group"))};`,
        `import { applyGuardrails } from ${JSON.stringify(join(ROOT, "policies"))};`,
        `const app = new App({ outdir: ${JSON.stringify(join(tmp, "insecure-out"))} });`,
        'const stack = new TerraformStack(app, "insecure");',
        'new AwsProvider(stack, "aws", { region: "eu-west-1" });',
        'const admin = new SecurityGroup(stack, "admin", { name: "admin", description: "Admin access", vpcId: "vpc-0123456789abcdef0" });',
        'admin.allowIngressFromCidrs(22, ["0.0.0.0/0"], "SSH for debugging");',
        "applyGuardrails(stack);",
        "app.synth();",
      ].join("\n"),
    );
    const result = runTs(file);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/guardrails insecure: \d+ rules, \d+ checks: \d+ passed, 1 errors/);
    expect(result.stdout).toMatch(/WP-SG-001 error aws_vpc_security_group_ingress_rule\.admin_in-0_[0-9A-F]+ \(insecure\/admin\/in-0\)/);
    expect(result.stderr).toMatch(/WP-SG-001 error aws_vpc_security_group_ingress_rule\.admin_in-0_[0-9A-F]+ \(insecure\/admin\/in-0\): SSH \(port 22\) open to 0\.0\.0\.0\/0/);
  });
});

describe("npm run check (scripts/check.ts)", () => {
  it("prints a table and a failing summary for an existing synth output, and writes the JSON report", () => {
    const out = join(tmp, "cdktf.out");
    mkdirSync(join(out, "stacks", "insecure"), { recursive: true });
    const json = tf({ "aws_ebs_volume.data": { "//": { metadata: { path: "insecure/data" } }, availability_zone: "eu-west-1a", size: 1, encrypted: false } });
    writeFileSync(join(out, "stacks", "insecure", "cdk.tf.json"), JSON.stringify(json));
    const report = join(tmp, "report.json");
    const result = runTs(join(ROOT, "scripts", "check.ts"), ["--from", out, "--json", report]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/WP-EBS-001\s+│ ERROR\s+│ aws_ebs_volume\.data/);
    expect(result.stdout).toMatch(/insecure: \d+ rules, \d+ checks: \d+ passed, 3 errors, 0 warnings, 0 relaxed -> FAIL/);
    const written = JSON.parse(readFileSync(report, "utf8"));
    expect(written.ok).toBe(false);
    expect(written.stacks[0].results).toContainEqual(expect.objectContaining({ rule: "WP-EBS-001", verdict: "error", address: "aws_ebs_volume.data", path: "insecure/data" }));
  });

  it("passes on the real environments (synthesized in memory)", () => {
    const report = join(tmp, "real.json");
    const result = runTs(join(ROOT, "scripts", "check.ts"), ["--json", report]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^dev: 71 rules, .* -> OK$/m);
    expect(result.stdout).toMatch(/^prod: 71 rules, .* -> OK$/m);
    const written = JSON.parse(readFileSync(report, "utf8"));
    expect(written.stacks.map((s: { stack: string; ok: boolean }) => [s.stack, s.ok])).toEqual([
      ["dev", true],
      ["prod", true],
    ]);
  });

  it("prints the rule catalogue with each environment's relaxations as Markdown", () => {
    const result = runTs(join(ROOT, "scripts", "check.ts"), ["--rules"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("| Rule | Severity | Requirement | checkov | cdk-nag | dev | prod |");
    expect(result.stdout).toContain("| WP-RDS-005 | error | RDS runs Multi-AZ | CKV_AWS_157 | AwsSolutions-RDS3 | relaxed (database) | enforced |");
    expect(result.stdout).toContain("- WP-RDS-005 (scope `database`): Single-AZ RDS in dev");
  });
});
