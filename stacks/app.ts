import { App } from "cdktf";
import { EnvironmentConfig } from "../environments/config";
import { GuardrailOptions } from "../policies";
import { PlatformStack } from "./platform-stack";

export interface BuildAppOptions {
  /** Output directory (default: cdktf's, from CDKTF_OUTDIR or "cdktf.out"). */
  readonly outdir?: string;
  /** See PlatformStackOptions.offline. */
  readonly offline?: boolean;
  /** See PlatformStackOptions.guardrails (e.g. `{ log: () => {} }` for tools that synthesize quietly). */
  readonly guardrails?: GuardrailOptions;
}

/** Creates the app with one stack per environment (stack id = environment name). */
export function buildApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  for (const env of environments) {
    new PlatformStack(app, env, { offline: options.offline, guardrails: options.guardrails });
  }
  return app;
}
