import { loadEnvironments } from "./environments/load";
import { ConfigError } from "./environments/validate";
import { describeGuardrailFailure } from "./policies";
import { buildApp } from "./stacks/app";

// Validate every environment before constructing anything: a bad config stops here with one
// message and no stack trace, and nothing is written to cdktf.out. A guardrail violation (an
// insecure construct) stops the synth the same way, with one line per violation.
try {
  const environments = loadEnvironments();
  buildApp(environments, { offline: process.env.OFFLINE_PLAN === "1" }).synth();
} catch (error) {
  const message = error instanceof ConfigError ? error.message : describeGuardrailFailure(error);
  if (message === undefined) throw error;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
