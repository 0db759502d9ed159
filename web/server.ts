/**
 * Entry point of the web app (bundled by esbuild into one CommonJS file for Node.js 22).
 *
 *   start(env) -> { url, close() }: validates the configuration, runs the migrations as the master
 *   user (advisory-locked), opens the app role's pool, and listens on HOST:PORT.
 *
 * Run as the main module it calls start(process.env) and shuts down cleanly on SIGTERM/SIGINT
 * (stops accepting, finishes in-flight requests, closes the pool and the AWS clients).
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app";
import { loadOrCreateSecret } from "./auth/secret";
import { LoginThrottle } from "./auth/throttle";
import { awsClients } from "./aws";
import { loadConfig } from "./config";
import { sessionCache } from "./context";
import { appPool, migrationConnection } from "./db/connection";
import { migrate } from "./db/migrate";
import { Store } from "./db/store";

const SESSION_SWEEP_MS = 60 * 60 * 1000;

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Fastify's JSON logger on stdout (default true). */
  readonly logger?: boolean;
}

export async function start(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(env);
  mkdirSync(config.tmpDir, { recursive: true, mode: 0o700 });
  const cookieSecret = loadOrCreateSecret(config.sessionSecretFile);

  const db = config.db;
  await migrate(await migrationConnection(config), { user: db.user, password: db.auth.kind === "password" ? db.auth.password : undefined });

  const pool = appPool(config);
  const aws = awsClients(config);
  const store = new Store(pool);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ config, store, aws, throttle: new LoginThrottle(), sessions: sessionCache() }, { cookieSecret, logger: options.logger });
    // Expired sessions are refused anyway; this only keeps the table small.
    const sweep = setInterval(() => {
      store.deleteExpiredSessions().catch((error: Error) => app?.log.warn({ err: { message: error.message } }, "session sweep failed"));
    }, SESSION_SWEEP_MS);
    sweep.unref();
    app.addHook("onClose", async () => {
      clearInterval(sweep);
      aws.destroy();
      await pool.end();
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // After buildApp, closing the app runs the onClose hook (timer, clients, pool).
    if (app) await app.close().catch(() => undefined);
    else {
      aws.destroy();
      await pool.end();
    }
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const shown = host === "0.0.0.0" || host === "[::]" ? "localhost" : host;
  const running = app;
  return { url: `http://${shown}:${address.port}`, close: () => running.close() };
}

if (require.main === module) {
  start(process.env).then(
    (server) => {
      console.log(JSON.stringify({ level: "info", msg: "web app listening", url: server.url }));
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(JSON.stringify({ level: "info", msg: `${signal}: shutting down` }));
        server.close().then(
          () => process.exit(0),
          (error: Error) => {
            console.error(JSON.stringify({ level: "error", msg: "shutdown failed", error: error.message }));
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    },
    (error: Error) => {
      // One line, no stack trace: a configuration or connection problem at start.
      console.error(`web app failed to start: ${error.message}`);
      process.exit(1);
    },
  );
}
