/**
 * The whole system on one machine (`npm run local`, the end-to-end tests, the browser test and the
 * web benchmark): PostgreSQL (PGlite), DynamoDB (dynalite), S3 (s3rver), the real profile-updater
 * handler fed by S3's events, and the web app through `start(env)` of web/server.ts with the
 * same environment variables it gets on EC2 (only the values differ: local endpoints, password
 * authentication, no TLS to PGlite). Everything persists under `dataDir`.
 *
 * One system per process: the handler, like on Lambda, creates its AWS clients once, from
 * process.env, when it is loaded.
 */
import { join } from "node:path";
import type { S3Event } from "aws-lambda";
import { start } from "../../web/server";
import { ProfileUpdaterBridge } from "./profile-updater-bridge";
import { LOCAL_CREDENTIALS, LOCAL_REGION, PostgresService, Service, startDynamo, startPostgres, startS3 } from "./services";

export const LOCAL_BUCKET = "local-uploads";
export const LOCAL_TABLE = "local-profiles";

export interface LocalSystemOptions {
  readonly dataDir: string;
  /** The app's port (default 3000; 0 = a free port). */
  readonly port?: number;
  /** The app's address (default 127.0.0.1: a development server is not exposed to the network). */
  readonly host?: string;
  /** Progress and profile-updater lines (default: none). */
  readonly log?: (line: string) => void;
  /** Fastify's JSON request log on stdout (default false). */
  readonly appLogger?: boolean;
  /** Extra or overriding environment variables for the app (e.g. MAX_UPLOAD_BYTES). */
  readonly appEnv?: Record<string, string>;
  /** Profile-updater retry delays (default 1 s, 2 s). */
  readonly retryDelaysMs?: readonly number[];
  /**
   * Starts the PostgreSQL server (default: PGlite in this process on <dataDir>/pg). Jest passes a
   * PGlite in a child process: PGlite's dynamic imports do not load in jest's module sandbox.
   */
  readonly postgres?: (dataDir: string) => Promise<PostgresService>;
  /**
   * Starts the app from its environment (default: `start(env)` of web/server.ts in this process).
   * Jest and the benchmark run it as its own process (./app-process.ts).
   */
  readonly app?: (env: Record<string, string>) => Promise<RunningApp>;
}

export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

export interface LocalSystem {
  readonly url: string;
  readonly postgres: PostgresService;
  readonly dynamodb: Service;
  readonly s3: Service;
  readonly bucket: string;
  readonly tableName: string;
  /** The app's environment (what /data/config/webapp.env holds on EC2). */
  readonly appEnv: Record<string, string>;
  /** The environment the profile-updater runs with (what Lambda gives it). */
  readonly lambdaEnv: Record<string, string>;
  readonly profileUpdater: ProfileUpdaterBridge;
  close(): Promise<void>;
}

type Handler = (event: S3Event) => Promise<unknown>;
let loadedHandler: { handler: Handler; env: string } | undefined;

/** Loads the real handler with Lambda's environment (once per process, see above). */
function loadProfileUpdater(env: Record<string, string>): Handler {
  const signature = JSON.stringify(env);
  if (loadedHandler) {
    if (loadedHandler.env !== signature) throw new Error("local system: one per process (the profile-updater keeps the clients of the first)");
    return loadedHandler.handler;
  }
  Object.assign(process.env, env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require("../../functions/profile-updater/index") as { handler: Handler };
  loadedHandler = { handler, env: signature };
  return handler;
}

async function closeAll(parts: readonly (Service | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(parts.filter((p): p is Service => p !== undefined).map((p) => p.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { dataDir } = options;
  const log = options.log ?? (() => undefined);
  const aws = { AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey };
  let bridge: ProfileUpdaterBridge | undefined;
  let postgres: PostgresService | undefined;
  let dynamodb: Service | undefined;
  let s3: Service | undefined;
  try {
    [postgres, dynamodb, s3] = await Promise.all([
      (options.postgres ?? startPostgres)(dataDir),
      startDynamo(dataDir, LOCAL_TABLE),
      startS3(dataDir, LOCAL_BUCKET, (event) => bridge?.onS3Event(event)),
    ]);
    const lambdaEnv = { ...aws, AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint, AWS_ENDPOINT_URL_S3: s3.endpoint, PROFILE_TABLE_NAME: LOCAL_TABLE, UPLOADS_BUCKET_NAME: LOCAL_BUCKET };
    const handler = loadProfileUpdater(lambdaEnv);
    bridge = new ProfileUpdaterBridge({ bucket: LOCAL_BUCKET, invoke: handler, log, retryDelaysMs: options.retryDelaysMs });

    const appEnv: Record<string, string> = {
      ...aws,
      PORT: String(options.port ?? 3000),
      HOST: options.host ?? "127.0.0.1",
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      S3_FORCE_PATH_STYLE: "1",
      UPLOADS_BUCKET: LOCAL_BUCKET,
      PROFILE_TABLE_NAME: LOCAL_TABLE,
      DB_HOST: postgres.host,
      DB_PORT: String(postgres.port),
      DB_NAME: "postgres",
      DB_SSL: "disable",
      DB_USER: "app",
      DB_AUTH: "password",
      DB_PASSWORD: "local-app-password",
      DB_MIGRATION_USER: "postgres",
      DB_MIGRATION_PASSWORD: "postgres",
      TMP_DIR: join(dataDir, "tmp"),
      SESSION_SECRET_FILE: join(dataDir, "config", "session-secret"),
      ...options.appEnv,
    };
    const app = options.app ? await options.app(appEnv) : await start(appEnv, { logger: options.appLogger ?? false });
    const profileUpdater = bridge;
    const parts = { postgres, dynamodb, s3 };
    return {
      url: app.url,
      ...parts,
      bucket: LOCAL_BUCKET,
      tableName: LOCAL_TABLE,
      appEnv,
      lambdaEnv,
      profileUpdater,
      async close() {
        await app.close();
        await profileUpdater.idle();
        await closeAll([parts.s3, parts.dynamodb, parts.postgres]);
      },
    };
  } catch (error) {
    await closeAll([s3, dynamodb, postgres]).catch(() => undefined);
    throw error;
  }
}
