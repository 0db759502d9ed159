/**
 * The web app as its own process (`node --require scripts/ts-hook.js web/server.ts`), configured by
 * environment variables only, as systemd runs it on EC2. Used where the app must not share a
 * process with its caller: jest (its module sandbox cannot run the dynamic import() in
 * @fastify/cookie) and the benchmark (the app's own peak RSS).
 */
import { ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");

export interface AppProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  close(): Promise<void>;
}

/** A port that was free a moment ago (the app needs a known port before it starts). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

export interface AppProcessOptions {
  /** Extra environment of the process only (e.g. NODE_OPTIONS for a probe). */
  readonly processEnv?: Record<string, string>;
  readonly timeoutMs?: number;
  /** Discard the app's stdout (its request log) instead of keeping it for error messages. */
  readonly quiet?: boolean;
}

/** Starts the app with exactly `env` (plus PATH) and waits until GET /healthz answers 200. */
export async function startAppProcess(env: Record<string, string>, options: AppProcessOptions = {}): Promise<AppProcess> {
  const port = env.PORT && env.PORT !== "0" ? Number(env.PORT) : await freePort();
  const host = env.HOST ?? "127.0.0.1";
  const child = spawn(process.execPath, ["--require", join(ROOT, "scripts", "ts-hook.js"), join(ROOT, "web", "server.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...options.processEnv, ...env, PORT: String(port), HOST: host },
    stdio: ["ignore", options.quiet ? "ignore" : "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`web app exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`web app not healthy after ${options.timeoutMs ?? 90_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, output: () => output, close };
}
