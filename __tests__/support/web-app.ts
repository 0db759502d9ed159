/**
 * The whole web app on loopback, for API tests: PGlite behind its socket server (PostgreSQL wire
 * protocol), dynalite with the profile table and s3rver with the uploads bucket (through the
 * recording proxies of local-aws.ts, so a test can also see which AWS actions the app called),
 * a private TMP_DIR and session-secret file, and web/server.ts run as its own process with only
 * environment variables, exactly as EC2 runs it (values differ: password auth, no TLS to PGlite,
 * local endpoints). A child process also keeps the app out of jest's module sandbox, which cannot
 * run the dynamic import() in @fastify/cookie.
 *
 *   const web = await startWebApp();   // once per file (beforeAll)
 *   await fetch(`${web.url}/healthz`);
 *   await web.close();                 // afterAll
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { S3Client } from "@aws-sdk/client-s3";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynalite";
import { startLocalAws, type LocalAws } from "./local-aws";
import { startPglite, type LocalPglite } from "./pglite-server";

const ROOT = resolve(__dirname, "..", "..");

export interface WebAppUnderTest {
  readonly url: string;
  readonly aws: LocalAws;
  /**
   * A test-side client straight to s3rver that retries (local-aws's `s3` makes one attempt, and a
   * kept-alive socket that the server closes at the same moment is reset on reuse).
   */
  readonly s3: S3Client;
  readonly env: Record<string, string>;
  readonly tmpDir: string;
  /** Files left in TMP_DIR (should be none between requests). */
  tempFiles(): string[];
  /** What the app wrote to stdout/stderr (its JSON log lines). */
  output(): string;
  /** Stops the app (SIGTERM) and the servers; resolves to the app's exit code. */
  close(): Promise<number | null>;
}

export interface AppProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `web/server.ts` (or `script`, e.g. the esbuild bundle) with exactly `env` (plus PATH)
 * and waits for its "listening" line.
 */
export async function startAppProcess(env: Record<string, string>, script?: string): Promise<AppProcess> {
  const args = script === undefined ? ["--require", join(ROOT, "scripts", "ts-hook.js"), join(ROOT, "web", "server.ts")] : [script];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      output += `${line}\n`;
      if (line.includes('"web app listening"')) done((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => fail(new Error(`web app exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

export function webAppEnv(aws: LocalAws, pglite: LocalPglite | undefined, root: string): Record<string, string> {
  const database: Record<string, string> = pglite ? { DB_HOST: pglite.host, DB_PORT: String(pglite.port) } : {};
  return {
    ...aws.env,
    PORT: "0",
    HOST: "127.0.0.1",
    UPLOADS_BUCKET: aws.bucket,
    S3_FORCE_PATH_STYLE: "1",
    ...database,
    DB_NAME: "postgres",
    DB_SSL: "disable",
    DB_USER: "app",
    DB_AUTH: "password",
    DB_PASSWORD: "app-password",
    DB_MIGRATION_USER: "postgres",
    DB_MIGRATION_PASSWORD: "postgres",
    TMP_DIR: join(root, "tmp"),
    SESSION_SECRET_FILE: join(root, "config", "session-secret"),
  };
}

/**
 * `extraEnv` overrides any variable; with DB_HOST in it, no PGlite is started (the caller's
 * database server is used, e.g. Debian's PostgreSQL with TLS).
 */
export async function startWebApp(extraEnv: Record<string, string> = {}): Promise<WebAppUnderTest> {
  const ownDatabase = extraEnv.DB_HOST === undefined;
  const [aws, pglite] = await Promise.all([startLocalAws(), ownDatabase ? startPglite() : undefined]);
  const root = mkdtempSync(join(tmpdir(), "webapp-test-"));
  const env = { ...webAppEnv(aws, pglite, root), ...extraEnv };
  let app: AppProcess;
  try {
    app = await startAppProcess(env);
  } catch (error) {
    await Promise.all([aws.close(), pglite?.close()]);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const s3 = new S3Client({ endpoint: aws.direct.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", maxAttempts: 3 });
  return {
    url: app.url,
    aws,
    s3,
    env,
    tmpDir: env.TMP_DIR,
    tempFiles: () => readdirSync(env.TMP_DIR),
    output: () => app.output(),
    async close() {
      s3.destroy();
      const code = await app.stop();
      await Promise.all([aws.close(), pglite?.close()]);
      rmSync(root, { recursive: true, force: true });
      return code;
    },
  };
}
