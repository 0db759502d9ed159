import { App, Testing } from "cdktf";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../../environments/config";
import { PlatformStack, PlatformStackOptions } from "../../stacks/platform-stack";

/** A synthesized stack: the JSON string for cdktf matchers and the parsed object for queries. */
export interface Synthesized {
  readonly json: string;
  readonly tf: TerraformJson;
}

export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider: Record<string, Record<string, unknown>[]>;
  terraform: Record<string, unknown>;
}

function parse(json: string): Synthesized {
  return { json, tf: JSON.parse(json) as TerraformJson };
}

/** Synthesizes one environment's stack (call once per test file, in a beforeAll or at top level). */
export function synthEnvironment(env: EnvironmentConfig, options: PlatformStackOptions = {}): Synthesized & { stack: PlatformStack } {
  const app: App = Testing.app();
  const stack = new PlatformStack(app, env, options);
  return { ...parse(Testing.synth(stack)), stack };
}

/** Synthesizes whatever `build` adds to a bare stack (construct tests). */
export function synthConstructs(build: (scope: Construct) => void): Synthesized {
  return parse(Testing.synthScope(build));
}

/** All resources of one type, keyed by logical id. */
export function resourcesOf(tf: TerraformJson, type: string): Record<string, Record<string, any>> {
  return (tf.resource[type] ?? {}) as Record<string, Record<string, any>>;
}

/** The single resource of a type; fails when there is not exactly one. */
export function onlyResource(tf: TerraformJson, type: string): Record<string, any> {
  const all = Object.values(resourcesOf(tf, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Total number of resources (what `terraform plan` will create on an empty state). */
export function resourceCount(tf: TerraformJson): number {
  return Object.values(tf.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
}

/**
 * Logical id of the resource of `type` at construct path `path` below the stack (e.g. "net/public-a"):
 * cdktf names it "<path joined by _>_<8 hex digits>" (Testing.synth drops the metadata paths).
 */
export function idOf(tf: TerraformJson, type: string, path: string): string {
  const prefix = path.split("/").join("_").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${prefix}_[0-9A-F]{8}$`);
  const found = Object.keys(resourcesOf(tf, type)).filter((id) => pattern.test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${found.length}`);
  return found[0];
}

/** "${type.id.attr}" — how a reference to another resource appears in the synthesized JSON. */
export function ref(type: string, id: string, attr = "id"): string {
  return `\${${type}.${id}.${attr}}`;
}
