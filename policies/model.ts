/**
 * A read-only view of one synthesized stack (`cdk.tf.json`, parsed). cdktf has already resolved
 * every token: attributes are literals or Terraform expressions such as
 * `${aws_s3_bucket.uploads_bucket_556152F0.id}`, and each block carries its construct path in
 * `"//": { "metadata": { "path": "<stack>/<construct path>" } }`.
 *
 * Nothing here depends on cdktf: rules run on plain JSON (tests, the CLI, synth-time validation).
 */

/** The synthesized Terraform JSON of one stack (only the parts the rules read). */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly terraform?: Record<string, unknown>;
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly locals?: Record<string, unknown>;
  readonly "//"?: { readonly metadata?: { readonly stackName?: string } };
}

/** One resource or data source block. */
export interface Block {
  /** "resource" or "data". */
  readonly mode: "resource" | "data";
  /** Terraform type, e.g. "aws_s3_bucket". */
  readonly type: string;
  /** Logical id, e.g. "uploads_bucket_556152F0". */
  readonly name: string;
  /** Terraform address: "aws_s3_bucket.uploads_bucket_556152F0" or "data.aws_iam_policy_document.x". */
  readonly address: string;
  /** Construct path ("prod/uploads/bucket"), or the address when the JSON has no metadata. */
  readonly path: string;
  /** The block's arguments (the "//" metadata key included, rules ignore it). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** `${type.name.attr...}` or `${data.type.name.attr...}` at the start of a string. */
const REFERENCE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/;

export class StackModel {
  readonly stackName: string;
  private readonly byAddress = new Map<string, Block>();
  private readonly byType = new Map<string, Block[]>();

  constructor(readonly json: TerraformJson, stackName?: string) {
    this.stackName = stackName ?? json["//"]?.metadata?.stackName ?? "stack";
    for (const mode of ["resource", "data"] as const) {
      for (const [type, blocks] of Object.entries(json[mode] ?? {})) {
        for (const [name, config] of Object.entries(blocks)) {
          const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          const meta = (config["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
          const block: Block = { mode, type, name, address, path: meta?.path ?? address, config };
          this.byAddress.set(address, block);
          const key = mode === "data" ? `data.${type}` : type;
          this.byType.set(key, [...(this.byType.get(key) ?? []), block]);
        }
      }
    }
  }

  /** Resources of these types (data sources with a "data." prefix), in JSON order. */
  all(...types: string[]): Block[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  get(address: string): Block | undefined {
    return this.byAddress.get(address);
  }

  /** The block an expression starts with a reference to (`${aws_x.y.id}` -> aws_x.y), if in this stack. */
  ref(value: unknown): Block | undefined {
    const target = parseReference(value);
    return target ? this.byAddress.get(target.address) : undefined;
  }

  /** Blocks of `type` whose attribute `attr` references `target` (any of its attributes). */
  referencing(type: string, attr: string, target: Block): Block[] {
    return this.all(type).filter((b) => referencesIn(b.config[attr]).includes(target.address));
  }

  /** The construct path relative to the stack ("uploads/bucket"). */
  relativePath(block: Block): string {
    const prefix = `${this.stackName}/`;
    return block.path.startsWith(prefix) ? block.path.slice(prefix.length) : block.path;
  }
}

/** The address and attribute an expression starts with, e.g. "${aws_vpc.main.id}". */
export function parseReference(value: unknown): { address: string; attribute?: string } | undefined {
  if (typeof value !== "string") return undefined;
  const m = REFERENCE.exec(value);
  if (!m) return undefined;
  return { address: `${m[1] ? "data." : ""}${m[2]}.${m[3]}`, attribute: m[4] };
}

/** Every address referenced anywhere in a value (strings, lists, nested objects). */
export function referencesIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/(data\.)?\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\./g)) {
        found.add(`${m[1] ?? ""}${m[2]}.${m[3]}`);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found];
}

/** A nested block: cdktf writes single blocks as objects and repeated ones as lists. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((v): v is Record<string, unknown> => !!v && typeof v === "object");
  if (value && typeof value === "object") return [value as Record<string, unknown>];
  return [];
}

/** The first (or only) nested block, or an empty object. */
export function block(value: unknown): Record<string, unknown> {
  return blocks(value)[0] ?? {};
}

/** Terraform booleans arrive as true/false or "true"/"false" (string-typed provider attributes). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** A number from a number or numeric string; undefined for expressions and absent values. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A list of strings from a string or a list (other members dropped). */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** True for a value that is only a Terraform expression (nothing literal to inspect). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && /^\$\{[\s\S]*\}$/.test(value);
}

/** A block-like view of a top-level item that is not a resource (output, variable, provider, backend). */
export function pseudoBlock(model: StackModel, kind: string, name: string, config: Record<string, unknown>): Block {
  const address = `${kind}.${name}`;
  return { mode: "resource", type: kind, name, address, path: `${model.stackName}/${kind}/${name}`, config };
}
