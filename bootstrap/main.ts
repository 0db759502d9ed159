/**
 * The bootstrap app (separate from main.ts, so `npx cdktf synth` keeps producing only the
 * environment stacks). Run through the npm scripts, which use their own output directory
 * (cdktf.out/bootstrap: cdktf removes stack directories of other apps from its output directory):
 *
 *   npm run bootstrap:deploy     # = cdktf deploy --app "node --require ./scripts/ts-hook.js bootstrap/main.ts" --output cdktf.out/bootstrap bootstrap
 *
 * The state of this stack is local, in the project root: terraform.bootstrap.tfstate (gitignored).
 */
import { relative, resolve } from "path";
import { App } from "cdktf";
import config from "./config";
import { describeGuardrailFailure } from "../policies";
import { BOOTSTRAP_STACK_ID, BootstrapConfigError, BootstrapStack } from "../stacks/bootstrap-stack";

const outdir = resolve(process.env.CDKTF_OUTDIR ?? "cdktf.out/bootstrap");
const stackDir = resolve(outdir, "stacks", BOOTSTRAP_STACK_ID);
const statePath = resolve(__dirname, "..", `terraform.${BOOTSTRAP_STACK_ID}.tfstate`);

try {
  const app = new App({ outdir });
  new BootstrapStack(app, config, { localStatePath: relative(stackDir, statePath), offline: process.env.OFFLINE_PLAN === "1" });
  app.synth();
} catch (error) {
  const message = error instanceof BootstrapConfigError ? error.message : describeGuardrailFailure(error);
  if (message === undefined) throw error;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
