/**
 * `npm run compare-envs [-- <a> <b>]` (default: dev prod): a Markdown comparison of two synthesized
 * environment stacks, for a reviewer who wants to know what the second adds or changes. Resources
 * are matched by construct path (equal paths have equal logical ids); the environment's own name
 * inside values (`webplatform-dev-web`, tag Environment) is ignored, so only real differences show.
 */
import { mkdirSync, writeFileSync } from "fs";
import { dirname, join, relative, resolve } from "path";
import { parseArgs } from "util";
import diff, { Difference } from "microdiff";
import { costComparisonMarkdown } from "./cost/compare";
import { estimateStack } from "./cost/estimate";
import { usd } from "./cost/format";
import { code, plural, table } from "./markdown";
import { Stack, StackResource, synthesizeEnvironments } from "./stack-json";

/** Settings a reviewer looks for first: sizes, availability, retention, protections. */
const HIGHLIGHT = /instance_type|instance_class|multi_az|retention|deletion_protection|prevent_destroy|final_snapshot|monitoring|performance_insights|tracing|reserved_concurrent|allocated_storage|^size$|memory_size|backup|retain|nat/i;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const AZ = /^[a-z]{2}-[a-z]+-\d[a-z]$/;

export interface SettingDifference {
  readonly setting: string;
  readonly a: unknown;
  readonly b: unknown;
}

export interface ResourceDifferences {
  readonly path: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly differences: readonly SettingDifference[];
}

export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly onlyInA: readonly StackResource[];
  readonly onlyInB: readonly StackResource[];
  readonly changed: readonly ResourceDifferences[];
  readonly stackSettings: readonly SettingDifference[];
  readonly outputsOnlyInA: readonly string[];
  readonly outputsOnlyInB: readonly string[];
}

/**
 * Replaces the environment's name where it is a word of a value (`app-dev-web`, `dev`,
 * `/aws/lambda/dev-fn`), but not the root directory of an absolute path (`/dev/sdf`).
 */
function normalize(value: unknown, env: string): unknown {
  const word = new RegExp(`(?<![A-Za-z0-9])${env.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g");
  const visit = (v: unknown): unknown => {
    if (typeof v === "string") return v.replace(word, (match, offset: number) => (offset === 1 && v.startsWith("/") ? match : "<env>"));
    if (Array.isArray(v)) {
      // Policy statements are matched by sid, not by position (a statement added in the middle
      // would otherwise show as every later statement changing).
      const sids = v.map((x) => (x && typeof x === "object" && typeof (x as { sid?: unknown }).sid === "string" ? (x as { sid: string }).sid : undefined));
      if (v.length > 0 && sids.every((sid, i) => sid && sids.indexOf(sid) === i)) {
        return Object.fromEntries(v.map((x, i) => [`[sid=${sids[i]}]`, visit(x)]));
      }
      return v.map(visit);
    }
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, visit(c)]));
    return v;
  };
  return visit(value);
}

const renderPath = (path: readonly (string | number)[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 || p.startsWith("[") ? p : `.${p}`)).join("");

function differences(a: unknown, b: unknown, envA: string, envB: string): SettingDifference[] {
  const na = (normalize(a, envA) ?? {}) as Record<string, unknown>;
  const nb = (normalize(b, envB) ?? {}) as Record<string, unknown>;
  return diff(na, nb).map((d: Difference) => ({
    setting: renderPath(d.path),
    a: d.type === "CREATE" ? undefined : d.oldValue,
    b: d.type === "REMOVE" ? undefined : d.value,
  }));
}

const keyOf = (r: StackResource) => `${r.mode === "data" ? "data." : ""}${r.type} ${r.path}`;

export function compareStacks(a: Stack, b: Stack): Comparison {
  const index = (s: Stack) => new Map([...s.resources.values()].map((r) => [keyOf(r), r]));
  const ia = index(a);
  const ib = index(b);
  const sorted = (list: StackResource[]) => list.sort((x, y) => x.path.localeCompare(y.path) || x.type.localeCompare(y.type));
  const changed: ResourceDifferences[] = [];
  for (const [key, ra] of ia) {
    const rb = ib.get(key);
    if (!rb) continue;
    const found = differences(ra.body, rb.body, a.name, b.name);
    if (found.length > 0) changed.push({ path: ra.path, type: ra.type, mode: ra.mode, differences: found });
  }
  changed.sort((x, y) => x.path.localeCompare(y.path) || x.type.localeCompare(y.type));
  const settings = (s: Stack) => ({ backend: s.json.terraform?.backend, provider: s.json.provider });
  const outputs = (s: Stack) => Object.keys(s.json.output ?? {});
  return {
    a: a.name,
    b: b.name,
    onlyInA: sorted([...ia].filter(([k]) => !ib.has(k)).map(([, r]) => r)),
    onlyInB: sorted([...ib].filter(([k]) => !ia.has(k)).map(([, r]) => r)),
    changed,
    stackSettings: differences(settings(a), settings(b), a.name, b.name),
    outputsOnlyInA: outputs(a).filter((o) => !outputs(b).includes(o)).sort(),
    outputsOnlyInB: outputs(b).filter((o) => !outputs(a).includes(o)).sort(),
  };
}

function value(v: unknown): string {
  if (v === undefined) return "(unset)";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return code(text.length > 90 ? `${text.slice(0, 87)}...` : text);
}

const isAddressing = (d: SettingDifference) => [d.a, d.b].every((v) => typeof v === "string" && (CIDR.test(v) || AZ.test(v)));
const typeName = (r: { mode: string; type: string }) => (r.mode === "data" ? `data.${r.type}` : r.type);

export function comparisonMarkdown(c: Comparison): string {
  const { a, b } = c;
  const out: string[] = [`# \`${a}\` compared with \`${b}\``, ""];
  out.push(
    `Generated by ${code("npm run compare-envs")} from the synthesized stacks; resources are matched by construct path; the environment's own name inside values is shown as ${code("<env>")} and is not a difference.`,
    "",
    `**${plural(c.onlyInB.length, "resource")} only in ${b}**, ${c.onlyInA.length} only in ${a}, ${plural(c.changed.length, "shared resource")} with different settings.`,
    "",
  );

  const highlights = c.changed.flatMap((r) =>
    r.differences.filter((d) => HIGHLIGHT.test(d.setting.split(/[.[]/).pop() ?? "") || HIGHLIGHT.test(d.setting)).map((d) => [r.path, d] as const),
  );
  out.push("## Highlights", "");
  if (highlights.length === 0) out.push("No differences in sizes, availability, retention or protections.", "");
  else out.push(table(["resource", "setting", a, b], highlights.map(([path, d]) => [path, code(d.setting), value(d.a), value(d.b)])), "");

  for (const [title, list] of [[`Only in ${b}`, c.onlyInB], [`Only in ${a}`, c.onlyInA]] as const) {
    out.push(`## ${title} (${list.length})`, "");
    out.push(list.length === 0 ? "None." : table(["construct path", "type"], list.map((r) => [r.path, code(typeName(r))])), "");
  }

  out.push("## Settings that differ", "");
  const addressing: [string, SettingDifference][] = [];
  if (c.changed.length === 0) out.push("None.", "");
  for (const r of c.changed) {
    const shown = r.differences.filter((d) => !isAddressing(d));
    addressing.push(...r.differences.filter(isAddressing).map((d) => [r.path, d] as [string, SettingDifference]));
    if (shown.length === 0) continue;
    out.push(`### ${r.path} (${code(typeName(r))})`, "", table(["setting", a, b], shown.map((d) => [code(d.setting), value(d.a), value(d.b)])), "");
  }
  if (addressing.length > 0) {
    out.push(
      "<details><summary>Network addressing (CIDR blocks, availability zones)</summary>",
      "",
      table(["resource", "setting", a, b], addressing.map(([path, d]) => [path, code(d.setting), value(d.a), value(d.b)])),
      "",
      "</details>",
      "",
    );
  }

  out.push("## Provider and backend", "");
  out.push(c.stackSettings.length === 0 ? "Same." : table(["setting", a, b], c.stackSettings.map((d) => [code(d.setting), value(d.a), value(d.b)])), "");
  if (c.outputsOnlyInA.length + c.outputsOnlyInB.length > 0) {
    out.push("## Outputs", "");
    for (const o of c.outputsOnlyInB) out.push(`- ${code(o)} only in ${b}`);
    for (const o of c.outputsOnlyInA) out.push(`- ${code(o)} only in ${a}`);
    out.push("");
  }
  return out.join("\n");
}

const USAGE = "Usage: npm run compare-envs -- [<environment a> <environment b>] [--out <file>]   (default: dev prod, plans/<a>-vs-<b>.md)";

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) return process.stdout.write(`${USAGE}\n`), 0;
  const [a, b] = positionals.length === 0 ? ["dev", "prod"] : positionals;
  if (positionals.length !== 0 && positionals.length !== 2) return process.stderr.write(`${USAGE}\n`), 1;
  const stacks = synthesizeEnvironments();
  for (const name of [a, b]) {
    if (!stacks.has(name)) return process.stderr.write(`No environment "${name}"; allowed: ${[...stacks.keys()].map((n) => `"${n}"`).join(", ")}.\n`), 1;
  }
  const comparison = compareStacks(stacks.get(a)!, stacks.get(b)!);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadEnvironments } = require("../environments/load") as typeof import("../environments/load");
  const environments = loadEnvironments();
  const [costA, costB] = [a, b].map((name) => estimateStack(stacks.get(name)!, { environment: name, usage: environments.find((e) => e.name === name)?.usage }));
  const file = resolve(values.out ?? join(__dirname, "..", "plans", `${a}-vs-${b}.md`));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${comparisonMarkdown(comparison)}\n${costComparisonMarkdown(costA, costB)}`);
  process.stdout.write(
    `${b} vs ${a}: ${comparison.onlyInB.length} resources only in ${b}, ${comparison.onlyInA.length} only in ${a}, ` +
      `${comparison.changed.length} shared with different settings\n` +
      `cost: ${a} ${usd(costA.monthlyTotalUsd)}, ${b} ${usd(costB.monthlyTotalUsd)} per month (prices of ${costB.priceDate})\nWrote ${relative(process.cwd(), file)}\n`,
  );
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
