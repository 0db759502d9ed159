/**
 * Finds terraform and an offline provider mirror at run time, and writes a terraform CLI config
 * that installs providers from that mirror (the registry is unreachable on the build machines).
 *
 * Nothing here names a path of a particular machine: the mirror comes from TF_PROVIDER_MIRROR, or
 * from a search of the usual install roots for `registry.terraform.io/hashicorp/aws/<version>`.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "fs";
import { homedir } from "os";
import { delimiter, dirname, join, resolve } from "path";

/** The AWS provider version @cdktf/provider-aws 20.1.0 was generated from. */
export const AWS_PROVIDER_VERSION = "5.100.0";
const PROVIDER_DIR = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);
const PROJECT_ROOT = resolve(__dirname, "..");

export interface TerraformSetup {
  /** Absolute path of the terraform binary, when on PATH. */
  readonly terraform?: string;
  /** The CLI config file terraform should use (TF_CLI_CONFIG_FILE), when one applies. */
  readonly cliConfigFile?: string;
  /** The provider mirror in use, when one was found. */
  readonly mirror?: string;
  /** Why terraform cannot run, when it cannot. */
  readonly unavailable?: string;
}

/** `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const hasProvider = (root: string) => existsSync(join(root, PROVIDER_DIR));

/** Directories (depth-limited walk) under `root` that contain the provider in mirror layout. */
function searchMirror(root: string, depth: number): string | undefined {
  if (hasProvider(root)) return root;
  if (depth === 0) return undefined;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (entry.startsWith(".") && entry !== ".terraform.d") continue;
    if (entry === "node_modules" || entry === "proc" || entry === "sys") continue;
    const child = join(root, entry);
    try {
      if (!statSync(child).isDirectory()) continue;
    } catch {
      continue;
    }
    const found = searchMirror(child, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** The provider mirror: TF_PROVIDER_MIRROR, terraform's implied local mirror dirs, then a search. */
export function findProviderMirror(): string | undefined {
  const fromEnv = process.env.TF_PROVIDER_MIRROR;
  if (fromEnv) return hasProvider(fromEnv) ? fromEnv : undefined;
  const home = homedir();
  const implied = [
    join(home, ".terraform.d", "plugins"),
    join(process.env.XDG_DATA_HOME ?? join(home, ".local", "share"), "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
  const direct = implied.find(hasProvider);
  if (direct) return direct;
  for (const root of ["/opt", "/usr/local", "/usr/share", "/srv", home]) {
    const found = searchMirror(root, 3);
    if (found) return found;
  }
  return undefined;
}

/**
 * Prepares terraform for this project. With a usable TF_CLI_CONFIG_FILE already set, keeps it;
 * otherwise, when a mirror exists, writes `.terraform-cli/terraformrc` (gitignored) pointing at it.
 */
export function prepareTerraform(): TerraformSetup {
  const terraform = which("terraform");
  if (!terraform) return { unavailable: "terraform is not on PATH" };
  const current = process.env.TF_CLI_CONFIG_FILE;
  if (current && existsSync(current)) return { terraform, cliConfigFile: current };
  const mirror = findProviderMirror();
  if (!mirror) return { terraform }; // online machine: terraform uses the registry
  const cliConfigFile = join(PROJECT_ROOT, ".terraform-cli", "terraformrc");
  mkdirSync(dirname(cliConfigFile), { recursive: true });
  writeFileSync(
    cliConfigFile,
    [
      "# Written by scripts/terraform-cli.ts: install providers from the local mirror only.",
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  return { terraform, cliConfigFile, mirror };
}

/** Environment for child terraform processes (CLI config, no checkpoint calls, no colour). */
export function terraformEnv(setup: TerraformSetup): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(setup.cliConfigFile ? { TF_CLI_CONFIG_FILE: setup.cliConfigFile } : {}),
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
  };
}

// CLI: `node --require ./scripts/ts-hook.js scripts/terraform-cli.ts` prints the export line for a shell.
if (require.main === module) {
  const setup = prepareTerraform();
  if (setup.unavailable) {
    process.stderr.write(`terraform unavailable: ${setup.unavailable}\n`);
    process.exit(1);
  }
  if (setup.cliConfigFile) process.stdout.write(`export TF_CLI_CONFIG_FILE=${JSON.stringify(setup.cliConfigFile)}\n`);
  process.stderr.write(`terraform: ${setup.terraform}; provider mirror: ${setup.mirror ?? "(registry or existing CLI config)"}\n`);
}
