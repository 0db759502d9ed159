/**
 * Reading synthesized cdktf stacks (`cdktf.out/stacks/<env>/cdk.tf.json`): the resources with
 * their construct paths, and the references between them. Shared by the plan summary, the
 * diagram and the environment comparison; no AWS or terraform call.
 */
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

type Body = Record<string, unknown>;

/** The parts of a synthesized stack (Terraform JSON) these scripts read. */
export interface StackJson {
  readonly "//"?: { readonly metadata?: { readonly stackName?: string; readonly backend?: string } };
  readonly terraform?: { readonly backend?: Record<string, Body> } & Body;
  readonly provider?: Record<string, Body[]>;
  readonly resource?: Record<string, Record<string, Body>>;
  readonly data?: Record<string, Record<string, Body>>;
  readonly output?: Record<string, { readonly value: unknown; readonly description?: string; readonly sensitive?: boolean }>;
}

export interface StackResource {
  /** Terraform address: `aws_s3_bucket.uploads_bucket_556152F0` or `data.aws_iam_policy_document.x`. */
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  /** Logical id (contains a hash of the construct path, so it is equal for equal paths across stacks). */
  readonly name: string;
  /** Construct path below the stack (`uploads/bucket`); the logical id when the metadata is absent. */
  readonly path: string;
  /** The configuration without cdktf's `//` metadata. */
  readonly body: Body;
}

/** One synthesized stack: its id and every resource and data source, by address. */
export interface Stack {
  readonly name: string;
  readonly json: StackJson;
  readonly resources: ReadonlyMap<string, StackResource>;
}

export function readStackFile(file: string): StackJson {
  return JSON.parse(readFileSync(file, "utf8")) as StackJson;
}

/** Indexes a synthesized stack. `name` defaults to the stack name in its metadata. */
export function loadStack(json: StackJson, name?: string): Stack {
  const stackName = name ?? json["//"]?.metadata?.stackName ?? "stack";
  const resources = new Map<string, StackResource>();
  const add = (mode: "managed" | "data", blocks: Record<string, Record<string, Body>> | undefined) => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [logicalId, raw] of Object.entries(byName)) {
        const { "//": meta, ...body } = raw as Body & { "//"?: { metadata?: { path?: string } } };
        const fullPath = meta?.metadata?.path;
        const path = fullPath ? fullPath.split("/").slice(1).join("/") : logicalId;
        const address = `${mode === "data" ? "data." : ""}${type}.${logicalId}`;
        resources.set(address, { address, mode, type, name: logicalId, path, body });
      }
    }
  };
  add("managed", json.resource);
  add("data", json.data);
  return { name: stackName, json, resources };
}

/** Resources of one type (managed unless the type is given as `data.<type>`), sorted by path. */
export function resourcesOfType(stack: Stack, type: string): StackResource[] {
  const mode = type.startsWith("data.") ? "data" : "managed";
  const bare = type.replace(/^data\./, "");
  return [...stack.resources.values()]
    .filter((r) => r.mode === mode && r.type === bare)
    .sort((a, b) => a.path.localeCompare(b.path));
}

const REFERENCE = /(?<![\w.-])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;

/**
 * Addresses of the stack's resources referenced anywhere in `value` (`${aws_vpc.x.id}`,
 * `${tostring(aws_launch_template.y.latest_version)}`, `${data.aws_iam_policy_document.z.json}`),
 * in order of appearance, without duplicates. `depends_on` and `//` are not data references and
 * are skipped.
 */
export function referencesIn(value: unknown, stack: Stack): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      if (!v.includes("${")) return;
      for (const m of v.matchAll(REFERENCE)) {
        const address = `${m[1] ?? ""}${m[2]}.${m[3]}`;
        if (stack.resources.has(address) && !found.includes(address)) found.push(address);
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === "object") {
      for (const [key, child] of Object.entries(v)) if (key !== "depends_on" && key !== "//") visit(child);
    }
  };
  visit(value);
  return found;
}

/** `x` as an array: nested blocks are synthesized as an object or as a list of objects. */
export function asArray<T = Body>(x: unknown): T[] {
  if (x === undefined || x === null) return [];
  return (Array.isArray(x) ? x : [x]) as T[];
}

/** A string attribute, unless it is absent or an unresolved expression. */
export function literal(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/**
 * Synthesizes every environment in-process into a temporary directory and returns the stacks by
 * name (the same JSON `npx cdktf synth` writes). Loaded lazily: importing this module stays cheap.
 */
export function synthesizeEnvironments(options: { offline?: boolean } = {}): Map<string, Stack> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadEnvironments } = require("../environments/load") as typeof import("../environments/load");
  const { buildApp } = require("../stacks/app") as typeof import("../stacks/app");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-synth-"));
  try {
    const environments = loadEnvironments();
    // Quiet: the guardrails still fail the synth on an error, but print no summary here.
    buildApp(environments, { outdir, offline: options.offline, guardrails: { log: () => {} } }).synth();
    return new Map(
      environments.map((env) => [env.name, loadStack(readStackFile(join(outdir, "stacks", env.name, "cdk.tf.json")), env.name)]),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
