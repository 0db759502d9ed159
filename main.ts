import { rmSync } from "fs";
import { join } from "path";
import { loadEnvironments } from "./environments/load";
import { ConfigError } from "./environments/validate";
import { describeGuardrailFailure } from "./policies";
import { buildApp } from "./stacks/app";

// cdktf's output directory (the CLI passes it in CDKTF_OUTDIR).
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";

/**
 * The stacks of an earlier synth must not outlive a failed one: `cdktf deploy --skip-synth` (or a
 * plan) would pick them up as if they were the current config. Only what this app writes is removed
 * (stacks/ and the manifest); other tools' output under cdktf.out (bootstrap/, guardrails.json) stays.
 */
function removeSynthOutput(): void {
  rmSync(join(outdir, "stacks"), { recursive: true, force: true });
  rmSync(join(outdir, "manifest.json"), { force: true });
}

// Validate every environment before constructing anything: a bad config stops here with one
// message and no stack trace. A guardrail violation (an insecure construct) stops the synth the
// same way, with one line per violation. Either way no stack of this or an earlier synth is left.
try {
  removeSynthOutput();
  const environments = loadEnvironments();
  buildApp(environments, { offline: process.env.OFFLINE_PLAN === "1" }).synth();
  process.stdout.write(`Generated Terraform code for the stacks: ${environments.map((e) => e.name).join(", ")} (${join(outdir, "stacks")})\n`);
} catch (error) {
  removeSynthOutput();
  const message = error instanceof ConfigError ? error.message : describeGuardrailFailure(error);
  if (message === undefined) throw error;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
