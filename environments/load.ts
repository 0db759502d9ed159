import { readdirSync } from "fs";
import { basename, extname, join, relative } from "path";
import { EnvironmentConfig } from "./config";
import { ConfigError, validateEnvironment } from "./validate";

/** Files of this folder that support the environment files rather than being one. */
const SUPPORT_FILES = new Set(["config", "validate", "load", "cidr", "validate-cost"]);

/** The environment names, from the files in this folder (`dev.ts` -> "dev"), sorted. */
export function environmentNames(dir: string = __dirname): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .map((f) => basename(f, extname(f)))
    .filter((name) => !SUPPORT_FILES.has(name))
    .filter((name, i, all) => all.indexOf(name) === i)
    .sort();
}

/**
 * Loads and validates every environment file. Throws ConfigError for the first invalid one, before
 * any stack is constructed, so a bad config never leaves a partial cdktf.out behind.
 */
export function loadEnvironments(dir: string = __dirname): EnvironmentConfig[] {
  return environmentNames(dir).map((name) => {
    const file = relative(process.cwd(), join(dir, `${name}.ts`));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, name)) as { default?: unknown };
    if (mod.default === undefined) {
      throw new ConfigError(file, name, "default export", "is missing; allowed: `export default` of an EnvironmentConfig.");
    }
    return validateEnvironment(mod.default, file, name);
  });
}
