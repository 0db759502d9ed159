import { loadEnvironments } from "./environments/load";
import { ConfigError } from "./environments/validate";
import { buildApp } from "./stacks/app";

// Validate every environment before constructing anything: a bad config stops here with one
// message and no stack trace, and nothing is written to cdktf.out.
try {
  const environments = loadEnvironments();
  buildApp(environments, { offline: process.env.OFFLINE_PLAN === "1" }).synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
