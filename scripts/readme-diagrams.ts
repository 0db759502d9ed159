/**
 * `npm run diagrams`: regenerates the stack diagrams in README.md, between
 * `<!-- BEGIN GENERATED DIAGRAM: <env> -->` and `<!-- END GENERATED DIAGRAM: <env> -->`, from an
 * in-process synth. Nothing outside the markers changes. `--check` changes nothing and exits 1 when
 * a block is out of date (the jest test __tests__/plan/readme-diagrams.test.ts does the same).
 */
import { readFileSync, writeFileSync } from "fs";
import { join, relative } from "path";
import { generateDiagram } from "./diagram";
import { Stack, synthesizeEnvironments } from "./stack-json";

export const README = join(__dirname, "..", "README.md");

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const markers = (env: string) =>
  new RegExp(`(<!-- BEGIN GENERATED DIAGRAM: ${escape(env)} -->\\n)([\\s\\S]*?)(<!-- END GENERATED DIAGRAM: ${escape(env)} -->)`);

/** Environments that have a marker pair in the README, in order of appearance. */
export function environmentsWithMarkers(readme: string): string[] {
  return [...readme.matchAll(/<!-- BEGIN GENERATED DIAGRAM: ([\w-]+) -->/g)].map((m) => m[1]).filter((env) => markers(env).test(readme));
}

/** What goes between the markers of one environment. */
export function readmeBlock(stack: Stack): string {
  return [`**${stack.name}**`, "", "```mermaid", generateDiagram(stack).mermaid.trimEnd(), "```", ""].join("\n");
}

/** The current content between an environment's markers, or undefined without markers. */
export function currentBlock(readme: string, env: string): string | undefined {
  return markers(env).exec(readme)?.[2];
}

/** The README with the block of `env` replaced (only between its markers). */
export function replaceBlock(readme: string, env: string, block: string): string {
  if (!markers(env).test(readme)) throw new Error(`README has no markers for "${env}"`);
  return readme.replace(markers(env), (_all, begin: string, _old: string, end: string) => `${begin}${block}${end}`);
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const stacks = synthesizeEnvironments();
  const original = readFileSync(README, "utf8");
  let readme = original;
  const stale: string[] = [];
  for (const env of environmentsWithMarkers(original)) {
    const stack = stacks.get(env);
    if (!stack) {
      process.stderr.write(`README has diagram markers for "${env}", which is not an environment; left as is.\n`);
      continue;
    }
    const block = readmeBlock(stack);
    if (currentBlock(readme, env) !== block) stale.push(env);
    readme = replaceBlock(readme, env, block);
  }
  const without = [...stacks.keys()].filter((env) => !environmentsWithMarkers(original).includes(env));
  if (without.length > 0) process.stderr.write(`No README markers for ${without.join(", ")} (not embedded).\n`);
  const file = relative(process.cwd(), README);
  if (check) {
    if (stale.length === 0) return process.stdout.write(`${file}: diagrams up to date\n`), 0;
    process.stderr.write(`${file}: diagrams out of date for ${stale.join(", ")}; run npm run diagrams\n`);
    return 1;
  }
  if (readme !== original) writeFileSync(README, readme);
  process.stdout.write(stale.length === 0 ? `${file}: diagrams up to date\n` : `${file}: updated diagrams of ${stale.join(", ")}\n`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
