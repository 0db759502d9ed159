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
});
