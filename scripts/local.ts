/**
 * `npm run local [-- --fresh] [--port N] [--data-dir DIR] [--app-log]`: the whole system on this
 * machine after nothing but `npm ci` — the web app on http://localhost:3000 (PORT or --port
 * overrides), PostgreSQL (PGlite behind its socket server), DynamoDB (dynalite), S3 (s3rver) and
 * the real profile-updater Lambda handler on S3's events. Everything runs in this one process (no
 * child process), data persists under .local/ (--fresh wipes it first). Ctrl-C (SIGINT) or SIGTERM
 * stops everything and exits 0.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DataDirError, lockDataDir, wipeDataDir } from "./local/data-dir";
import type { LocalSystem } from "./local/system";

const USAGE = `usage: npm run local [-- --fresh] [--port N] [--data-dir DIR] [--app-log]
  --fresh          delete the data directory first (users, files, profiles)
  --port N         the web app's port (default: $PORT or 3000; 0 = any free port)
  --data-dir DIR   where data persists (default: .local)
  --app-log        print the app's JSON request log`;

function fail(message: string): never {
  process.stderr.write(`npm run local: ${message}\n`);
  process.exit(1);
}

function parse() {
  try {
    return parseArgs({
      options: {
        fresh: { type: "boolean", default: false },
        port: { type: "string" },
        "data-dir": { type: "string", default: ".local" },
        "app-log": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}

function portOf(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3000;
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) fail(`the port must be an integer from 0 to 65535, got "${raw}"`);
  return port;
}

function describe(system: LocalSystem, dataDir: string): string {
  const rows: [string, string][] = [
    ["web app", `${system.url.replace("//127.0.0.1:", "//localhost:")}`],
    ["PostgreSQL", `${system.postgres.endpoint}  (PGlite; any user/password, no TLS)`],
    ["DynamoDB", `${system.dynamodb.endpoint}  (dynalite; table ${system.tableName})`],
    ["S3", `${system.s3.endpoint}  (s3rver; bucket ${system.bucket}, credentials S3RVER/S3RVER)`],
    ["Lambda", "profile-updater, invoked on S3 events under profile-pictures/"],
  ];
  return [`Local system up (data in ${dataDir}):`, ...rows.map(([name, where]) => `  ${name.padEnd(11)} ${where}`), "Press Ctrl-C to stop."].join("\n");
}

async function main(): Promise<void> {
  const values = parse();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = portOf(values.port ?? process.env.PORT);
  const dataDir = resolve(values["data-dir"]);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  let release: () => void;
  try {
    if (values.fresh) wipeDataDir(dataDir);
    release = lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof DataDirError) fail(error.message);
    throw error;
  }

  let system: LocalSystem;
  try {
    // Loaded only now: a usage error is reported without loading the app, the SDK and PGlite.
    const { startLocalSystem } = require("./local/system") as typeof import("./local/system");
    system = await startLocalSystem({ dataDir, port, log, appLogger: values["app-log"] });
  } catch (error) {
    release();
    fail(`could not start: ${(error as Error).message}`);
  }
  log(describe(system, values["data-dir"]));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without a clean shutdown\n`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping...`);
    system.close().then(
      () => {
        release();
        log("stopped.");
        process.exit(0);
      },
      (error: Error) => {
        release();
        process.stderr.write(`shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
