import { spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { tmpdir } from "os";

const root = join(__dirname, "..");
/** The command cdktf runs to synthesize (cdktf.json "app"). */
const appCommand = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }).app.split(" ");

function runApp(cwd: string, outdir: string) {
  return spawnSync(appCommand[0], appCommand.slice(1), {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: outdir, OFFLINE_PLAN: "" },
    encoding: "utf8",
  });
}

describe("the app command from cdktf.json", () => {
  it("synthesizes one stack directory per environment", () => {
    const outdir = mkdtempSync(join(tmpdir(), "synth-"));
    try {
      const result = runApp(root, outdir);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["dev", "prod"]);
      for (const env of ["dev", "prod"]) expect(existsSync(join(outdir, "stacks", env, "cdk.tf.json"))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("stops on a bad environment file with its one-line message, no stack trace, and writes nothing", () => {
    // A copy of the project inside it (so node_modules resolves) with one broken environment added.
    mkdirSync(join(root, ".build"), { recursive: true });
    const copy = mkdtempSync(join(root, ".build", "cli-"));
    try {
      for (const entry of readdirSync(root)) {
        if (["node_modules", ".git", ".build", "cdktf.out", "__tests__", "plans", "bench"].includes(entry)) continue;
        cpSync(join(root, entry), join(copy, entry), { recursive: true });
      }
      writeFileSync(
        join(copy, "environments", "staging.ts"),
        'import dev from "./dev";\nexport default { ...dev, name: "staging", network: { ...dev.network, natMode: "double" } };\n',
      );
      const outdir = join(copy, "cdktf.out");
      const result = runApp(copy, outdir);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'Invalid environment config environments/staging.ts (environment "staging"): network.natMode is "double"; allowed: "none", "single", "perAz".\n',
      );
      expect(existsSync(outdir)).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  describe("in a copy of the project", () => {
    let copy: string;
    let outdir: string;
    const envFile = (name: string) => join(copy, "environments", name);
    beforeAll(() => {
      mkdirSync(join(root, ".build"), { recursive: true });
      copy = mkdtempSync(join(root, ".build", "cli-"));
      for (const entry of readdirSync(root)) {
        if (["node_modules", ".git", ".build", "cdktf.out", "__tests__", "plans", "bench"].includes(entry)) continue;
        cpSync(join(root, entry), join(copy, entry), { recursive: true });
      }
      outdir = join(copy, "cdktf.out");
    });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));
    afterEach(() => {
      for (const f of ["staging.ts", "dev.js"]) rmSync(envFile(f), { force: true });
    });

    it.each([
      ["a syntax error", "export default { name: 'staging',, };\n", /^the file fails to load: line 1:\d+: Expected identifier but found ","$/],
      ["an exception at import", 'throw new Error("boom at import\\nmore");\n', /^the file fails to load: boom at import$/],
      ["a missing module", 'import x from "./nope";\nexport default x;\n', /^the file fails to load: Cannot find module '\.\/nope'$/],
    ])("an environment file with %s gives one line, exit 1, and removes the stacks of an earlier synth", (_title, source, problem) => {
      // The output of an earlier, good synth (the first test of this file shows a real one).
      mkdirSync(join(outdir, "stacks", "dev"), { recursive: true });
      writeFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "{}\n");
      writeFileSync(join(outdir, "manifest.json"), "{}\n");
      writeFileSync(envFile("staging.ts"), source);
      const result = runApp(copy, outdir);
      expect(result.status).toBe(1);
      const lines = result.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(1);
      const prefix = 'Invalid environment config environments/staging.ts (environment "staging"): ';
      expect(lines[0].startsWith(prefix)).toBe(true);
      expect(lines[0].slice(prefix.length)).toMatch(problem);
      // Nothing for `cdktf deploy --skip-synth` to pick up.
      expect(existsSync(join(outdir, "stacks"))).toBe(false);
      expect(existsSync(join(outdir, "manifest.json"))).toBe(false);
    });

    it("a guardrail failure leaves no stacks directory behind (not even an empty one)", () => {
      mkdirSync(join(outdir, "stacks", "dev"), { recursive: true });
      writeFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "{}\n");
      // dev's settings without dev's justified relaxations: error-level violations.
      writeFileSync(envFile("staging.ts"), 'import dev from "./dev";\nexport default { ...dev, name: "staging", guardrails: { relaxations: [] } };\n');
      const result = runApp(copy, outdir);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^Guardrails failed: \d+ error-level violation\(s\)/);
      expect(existsSync(join(outdir, "stacks"))).toBe(false);
    });

    it("refuses a stale compiled dev.js beside dev.ts instead of synthesizing it", () => {
      writeFileSync(envFile("dev.js"), 'exports.default = { name: "dev" };\n');
      const result = runApp(copy, outdir);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'Invalid environment config environments/dev.js (environment "dev"): compiled JavaScript beside dev.ts is not loaded; only the .ts sources of environments/ are. Delete dev.js (and any other compiled output in that folder).\n',
      );
    });

    it("npm run synth prints a config error once, and nothing else on stderr", () => {
      writeFileSync(envFile("staging.ts"), 'import dev from "./dev";\nexport default { ...dev, name: "staging", web: { ...dev.web, instanceType: "t4g.mirco" } };\n');
      const result = spawnSync("npm", ["run", "--silent", "synth"], { cwd: copy, env: { ...process.env, CDKTF_OUTDIR: "" }, encoding: "utf8" });
      expect(result.status).toBe(1);
      const line =
        'Invalid environment config environments/staging.ts (environment "staging"): web.instanceType is "t4g.mirco"; allowed: an EC2 instance type "<family>.<size>" such as "t4g.small", size one of nano, micro, small, medium, large, xlarge, <N>xlarge, metal.';
      expect(result.stderr).toBe(`${line}\n`);
      expect(result.stdout).toBe("");
    });
  });
});
