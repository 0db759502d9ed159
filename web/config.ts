/**
 * The web app's configuration: environment variables only (on EC2 the systemd EnvironmentFile
 * /data/config/webapp.env, written at boot from the stack's values). `loadConfig` validates all of
 * them at once and fails with ONE line naming the variable and what it accepts.
 */
import { tmpdir } from "node:os";

export class WebConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`web app configuration: ${variable} ${problem}`);
    this.name = "WebConfigError";
  }
}

export type DbAuth = { readonly kind: "iam" } | { readonly kind: "password"; readonly password: string };
export type MigrationAuth =
  | { readonly kind: "secret"; readonly secretArn: string }
  | { readonly kind: "password"; readonly user: string; readonly password: string };

export interface WebConfig {
  readonly port: number;
  readonly host: string;
  readonly region: string | undefined;
  /** Explicit AWS settings from `env` (so that `start(env)` does not depend on process.env). */
  readonly aws: {
    readonly s3Endpoint: string | undefined;
    readonly dynamodbEndpoint: string | undefined;
    readonly secretsManagerEndpoint: string | undefined;
    readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  };
  readonly uploadsBucket: string;
  readonly profileTableName: string;
  readonly s3ForcePathStyle: boolean;
  readonly db: {
    readonly host: string;
    readonly port: number;
    readonly name: string;
    /** `verify-full`: TLS, the server certificate verified against `caFile` or the embedded RDS bundle. */
    readonly ssl: "verify-full" | "disable";
    readonly caFile: string | undefined;
    readonly user: string;
    readonly auth: DbAuth;
    readonly migration: MigrationAuth;
  };
  readonly tmpDir: string;
  readonly sessionSecretFile: string;
  readonly maxUploadBytes: number;
  /** Fastify `trustProxy`: false, true, or a list of trusted addresses/CIDRs. */
  readonly trustProxy: boolean | string[];
}

/** Default of MAX_UPLOAD_BYTES: 100 MiB (contract). */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** Profile pictures: at most 5 MiB (contract; the Lambda rejects larger ones too). */
export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;

type Env = NodeJS.ProcessEnv;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string, what: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new WebConfigError(name, `is required (${what})`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new WebConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new WebConfigError(name, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function trustProxy(env: Env): boolean | string[] {
  const raw = optional(env, "TRUST_PROXY");
  if (raw === undefined || raw === "false" || raw === "0") return false;
  if (raw === "true" || raw === "1") return true;
  const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
  const address = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;
  const bad = list.find((entry) => !address.test(entry));
  if (bad !== undefined || list.length === 0) {
    throw new WebConfigError("TRUST_PROXY", `must be "true", "false" or comma-separated IP addresses/CIDRs, got "${bad ?? raw}"`);
  }
  return list;
}

function dbAuth(env: Env): DbAuth {
  const kind = oneOf(env, "DB_AUTH", ["iam", "password"] as const, "iam");
  if (kind === "iam") return { kind };
  return { kind, password: required(env, "DB_PASSWORD", "the app role's password when DB_AUTH=password") };
}

function migrationAuth(env: Env): MigrationAuth {
  const secretArn = optional(env, "DB_MIGRATION_SECRET_ARN");
  if (secretArn !== undefined) return { kind: "secret", secretArn };
  const user = optional(env, "DB_MIGRATION_USER");
  const password = env.DB_MIGRATION_PASSWORD;
  if (user === undefined || !password) {
    throw new WebConfigError("DB_MIGRATION_SECRET_ARN", "or DB_MIGRATION_USER + DB_MIGRATION_PASSWORD is required (the master credentials that run migrations)");
  }
  return { kind: "password", user, password };
}

/** Static credentials when `env` has them; otherwise the SDK's default chain (instance role on EC2). */
function credentials(env: Env): WebConfig["aws"]["credentials"] {
  const accessKeyId = optional(env, "AWS_ACCESS_KEY_ID");
  const secretAccessKey = optional(env, "AWS_SECRET_ACCESS_KEY");
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = optional(env, "AWS_SESSION_TOKEN");
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function loadConfig(env: Env): WebConfig {
  const user = optional(env, "DB_USER") ?? "app";
  if (!IDENTIFIER.test(user)) throw new WebConfigError("DB_USER", `must be a lower-case SQL identifier (a-z, 0-9, _), got "${user}"`);
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: optional(env, "HOST") ?? "0.0.0.0",
    region: optional(env, "AWS_REGION") ?? optional(env, "AWS_DEFAULT_REGION"),
    aws: {
      s3Endpoint: optional(env, "AWS_ENDPOINT_URL_S3") ?? optional(env, "AWS_ENDPOINT_URL"),
      dynamodbEndpoint: optional(env, "AWS_ENDPOINT_URL_DYNAMODB") ?? optional(env, "AWS_ENDPOINT_URL"),
      secretsManagerEndpoint: optional(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER") ?? optional(env, "AWS_ENDPOINT_URL"),
      credentials: credentials(env),
    },
    uploadsBucket: required(env, "UPLOADS_BUCKET", "the S3 bucket for uploads and profile pictures"),
    profileTableName: required(env, "PROFILE_TABLE_NAME", "the DynamoDB profile table"),
    s3ForcePathStyle: optional(env, "S3_FORCE_PATH_STYLE") === "1" || optional(env, "S3_FORCE_PATH_STYLE") === "true",
    db: {
      host: required(env, "DB_HOST", "the PostgreSQL host"),
      port: integer(env, "DB_PORT", 5432, 1, 65535),
      name: optional(env, "DB_NAME") ?? "postgres",
      ssl: oneOf(env, "DB_SSL", ["verify-full", "disable"] as const, "verify-full"),
      caFile: optional(env, "DB_SSL_CA_FILE"),
      user,
      auth: dbAuth(env),
      migration: migrationAuth(env),
    },
    tmpDir: optional(env, "TMP_DIR") ?? tmpdir(),
    sessionSecretFile: required(env, "SESSION_SECRET_FILE", "the file that holds the cookie-signing secret; created 0600 when missing"),
    maxUploadBytes: integer(env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, 5 * 1024 * 1024 * 1024),
    trustProxy: trustProxy(env),
  };
}
