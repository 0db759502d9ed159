import { readdirSync } from "fs";
import { basename, extname, join, relative } from "path";
import { EnvironmentConfig } from "./config";
import { ConfigError, validateEnvironment } from "./validate";

/** Files of this folder that support the environment files rather than being one. */
const SUPPORT_FILES = new Set(["config", "validate", "load", "cidr", "aws-names", "validate-cost"]);
/** Compiled JavaScript that would shadow or stand in for a TypeScript source. */
const COMPILED = /\.(js|cjs|mjs)$/;

/**
 * A file of environments/ that cannot be used: compiled JavaScript beside the sources, or a file
 * that fails to load (syntax error, missing import, an exception at import). One line, like every
 * config error; main.ts prints it without a stack trace.
 */
export class EnvironmentFileError extends ConfigError {
  constructor(file: string, environment: string, problem: string) {
    super(file, environment, "", "");
    this.message = `Invalid environment config ${file} (environment "${environment}"): ${problem}`;
  }
}

/**
 * The environment names, from the TypeScript files in this folder (`dev.ts` -> "dev"), sorted.
 * Only `.ts` sources count. A compiled `.js` in the folder is refused: a stale `dev.js` beside an
 * edited `dev.ts` would otherwise be what Node loads, silently synthesizing the old config.
 */
export function environmentNames(dir: string = __dirname): string[] {
  const files = readdirSync(dir);
  const compiled = files.find((f) => COMPILED.test(f));
  if (compiled) {
    const name = basename(compiled, extname(compiled));
    const source = files.includes(`${name}.ts`) ? `${name}.ts` : undefined;
    throw new EnvironmentFileError(
      relative(process.cwd(), join(dir, compiled)),
      name,
      `compiled JavaScript ${source ? `beside ${source} ` : ""}is not loaded; only the .ts sources of environments/ are. Delete ${compiled} (and any other compiled output in that folder).`,
    );
  }
  return files
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => basename(f, ".ts"))
    .filter((name) => !SUPPORT_FILES.has(name))
    .sort();
}

/**
 * Loads and validates every environment file. Throws ConfigError for the first invalid one, before
 * any stack is constructed, so a bad config never leaves a partial cdktf.out behind.
 */
export function loadEnvironments(dir: string = __dirname): EnvironmentConfig[] {
  return environmentNames(dir).map((name) => {
    const path = join(dir, `${name}.ts`);
    const file = relative(process.cwd(), path);
    let mod: { default?: unknown };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path) as { default?: unknown };
    } catch (error) {
      throw new EnvironmentFileError(file, name, `the file fails to load: ${firstLine(error)}`);
    }
    if (mod.default === undefined) {
      throw new ConfigError(file, name, "default export", "is missing; allowed: `export default` of an EnvironmentConfig.");
    }
    return validateEnvironment(mod.default, file, name);
  });
}

/**
 * The first meaningful line of a load error. esbuild (the ts hook) reports syntax errors as
 * "Transform failed with 1 error:" followed by the location and text; Node's module errors put the
 * require stack after the first line.
 */
function firstLine(error: unknown): string {
  const detail = (error as { errors?: { text?: string; location?: { line?: number; column?: number } }[] })?.errors?.[0];
  if (detail?.text) {
    const at = detail.location ? `line ${detail.location.line}:${detail.location.column}: ` : "";
    return `${at}${detail.text}`;
  }
  // Duck-typed: errors from another realm (a vm context, jest's module registry) are not `instanceof Error`.
  const { name, message: text } = (error ?? {}) as { name?: unknown; message?: unknown };
  const named = typeof name === "string" && ["SyntaxError", "TypeError", "ReferenceError", "RangeError"].includes(name);
  const message = typeof text === "string" ? `${named ? `${name}: ` : ""}${text}` : String(error);
  return message.split("\n").map((l) => l.trim()).find((l) => l.length > 0) ?? "unknown error";
}
