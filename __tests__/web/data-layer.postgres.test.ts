/**
 * The data layer against a real PostgreSQL server (Debian's `postgresql` package): a throwaway
 * cluster with TLS on and TCP only over TLS, as RDS. Besides the shared cases: certificate
 * verification, the app role's least privilege, the IAM grant, and the whole app started with
 * DB_SSL=verify-full against it. Skipped loudly without the binaries; REQUIRE_POSTGRES=1 (CI)
 * makes that a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ClientConfig } from "pg";
import { loadConfig } from "../../web/config";
import { tlsOptions } from "../../web/db/connection";
import { migrate } from "../../web/db/migrate";
import { findPostgres, postgresMissing, startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster";
import { MIGRATIONS } from "../../web/db/migrations";
import { startLocalAws } from "../support/local-aws";
import { startAppProcess, startWebApp, webAppEnv } from "../support/web-app";
import { WebClient } from "../support/web-client";
import { dataLayerCases, type DataLayerTarget } from "./data-layer.cases";

const binaries = findPostgres();
if (!binaries) console.warn(`SKIPPED data-layer.postgres.test.ts: ${postgresMissing()}`);
const describeWithPostgres = binaries ? describe : describe.skip;

let cluster: PostgresCluster;
let target: DataLayerTarget;

async function run<T extends Record<string, unknown>>(config: ClientConfig, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client(config);
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describeWithPostgres("data layer on Debian's PostgreSQL server with TLS", () => {
  beforeAll(async () => {
    cluster = await startPostgresCluster(binaries!);
    target = {
      master: cluster.superuserConfig(),
      app: (user, password) => ({ ...cluster.superuserConfig(), user, password }),
    };
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
  });

  dataLayerCases(() => target);

  describe("TLS, as RDS forces it", () => {
    test("the app's verify-full settings (DB_SSL_CA_FILE) connect; the embedded RDS bundle refuses this CA", async () => {
      const env = { UPLOADS_BUCKET: "b", PROFILE_TABLE_NAME: "t", DB_HOST: "127.0.0.1", DB_AUTH: "password", DB_PASSWORD: "x", DB_MIGRATION_USER: "postgres", DB_MIGRATION_PASSWORD: "x", SESSION_SECRET_FILE: "/nonexistent" };
      const withCa = loadConfig({ ...env, DB_SSL_CA_FILE: cluster.caFile });
      const rows = await run<{ ssl: boolean }>({ ...target.master, ssl: tlsOptions(withCa.db) }, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      expect(rows).toEqual([{ ssl: true }]);
      const rdsOnly = loadConfig(env);
      await expect(run({ ...target.master, ssl: tlsOptions(rdsOnly.db) }, "SELECT 1")).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    });

    test("a certificate that does not name the host is refused", async () => {
      // The server certificate names 127.0.0.1 and localhost; ask TLS to verify another name.
      const ssl = { ...(target.master.ssl as object), servername: "db.elsewhere.example" };
      await expect(run({ ...target.master, ssl }, "SELECT 1")).rejects.toThrow(/does not match certificate's altnames/i);
    });

    test("a connection without TLS is refused by the server", async () => {
      await expect(run({ ...target.master, ssl: false }, "SELECT 1")).rejects.toThrow(/no pg_hba.conf entry|SSL off|no encryption/i);
    });
  });

  describe("the app role is least-privileged", () => {
    const app = (): ClientConfig => target.app("app", "app-role-password");

    test("it reads and writes the app's tables, but no DDL and no migration bookkeeping", async () => {
      expect(await run(app(), "SELECT count(*) FROM users")).toHaveLength(1);
      await expect(run(app(), "CREATE TABLE intruder (id int)")).rejects.toThrow(/permission denied/);
      await expect(run(app(), "DROP TABLE users")).rejects.toThrow(/must be owner|permission denied/);
      await expect(run(app(), "SELECT * FROM schema_migrations")).rejects.toThrow(/permission denied/);
      await expect(run(app(), "ALTER ROLE app SUPERUSER")).rejects.toThrow(/permission denied|must be superuser/);
    });

    test("with IAM auth it is granted rds_iam when that role exists (RDS), and gets no password", async () => {
      await run(target.master, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF; END $$");
      await migrate(target.master, { user: "iam_app" });
      const rows = await run<{ member: boolean }>(target.master, "SELECT pg_has_role('iam_app', 'rds_iam', 'MEMBER') AS member");
      expect(rows).toEqual([{ member: true }]);
      const password = await run<{ rolpassword: string | null }>(target.master, "SELECT rolpassword FROM pg_authid WHERE rolname = 'iam_app'");
      expect(password).toEqual([{ rolpassword: null }]);
    });
  });

  describe("the web app against it with DB_SSL=verify-full", () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), "webapp-pg-"));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const database = (): Record<string, string> => ({
      DB_HOST: "127.0.0.1", DB_PORT: String(cluster.port), DB_NAME: "postgres", DB_SSL: "verify-full", DB_SSL_CA_FILE: cluster.caFile,
      DB_USER: "webapp_role", DB_AUTH: "password", DB_PASSWORD: "web-app-role-password",
      DB_MIGRATION_USER: "postgres", DB_MIGRATION_PASSWORD: cluster.superuser.password,
    });

    test("it migrates as master, serves as its own role over verified TLS: health, sign-up, /api/me; SIGTERM exits 0", async () => {
      const web = await startWebApp(database());
      let stopped = false;
      try {
        const client = new WebClient(web.url);
        expect((await client.get("/healthz")).body).toEqual({ status: "ok" });
        const userId = await client.signup("tls-user@example.com", "TLS User");
        expect((await client.get<{ userId: string }>("/api/me")).body.userId).toBe(userId);
        const sessions = await run<{ usename: string; ssl: boolean }>(
          target.master,
          "SELECT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'webapp'",
        );
        expect(sessions.length).toBeGreaterThan(0);
        expect(new Set(sessions.map((r) => `${r.usename} ssl=${r.ssl}`))).toEqual(new Set(["webapp_role ssl=true"]));
        stopped = true;
        expect(await web.close()).toBe(0);
        const left = await run(target.master, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'webapp'");
        expect(left).toEqual([]);
      } finally {
        if (!stopped) await web.close();
      }
    }, 60_000);

    test("two app processes starting at once on a fresh database: both serve, one schema, one shared secret", async () => {
      await run(target.master, "CREATE DATABASE two_apps");
      const aws = await startLocalAws();
      const shared = { ...database(), DB_NAME: "two_apps", SESSION_SECRET_FILE: join(root, "two-apps", "session-secret") };
      const env = (name: string) => ({ ...webAppEnv(aws, undefined, join(root, name)), ...shared });
      const apps = await Promise.all([startAppProcess(env("a")), startAppProcess(env("b"))]);
      try {
        const rows = await run<{ id: number }>({ ...target.master, database: "two_apps" }, "SELECT id FROM schema_migrations ORDER BY id");
        expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
        // Both created-or-read the same secret: a session started on one is valid on the other.
        const a = new WebClient(apps[0].url);
        const userId = await a.signup("two-apps@example.com");
        const onB = await new WebClient(apps[1].url).request("GET", "/api/me", { headers: { cookie: a.cookie! } });
        expect(onB.status).toBe(200);
        expect((onB.body as { userId: string }).userId).toBe(userId);
      } finally {
        await Promise.all(apps.map((app) => app.stop()));
        await aws.close();
      }
    }, 90_000);

    test("a CA file that is missing or does not verify the server stops start-up with one line", async () => {
      const wrongCa = join(root, "wrong-ca.pem");
      writeFileSync(wrongCa, "not a certificate");
      const base: Record<string, string> = { ...database(), UPLOADS_BUCKET: "b", PROFILE_TABLE_NAME: "t", AWS_REGION: "us-east-1", SESSION_SECRET_FILE: join(root, "secret"), TMP_DIR: join(root, "tmp"), PORT: "0", HOST: "127.0.0.1" };
      await expect(startAppProcess({ ...base, DB_SSL_CA_FILE: join(root, "missing.pem") })).rejects.toThrow(
        /exited \(1\) before listening:\nweb app failed to start: web app configuration: DB_SSL_CA_FILE cannot be read: ENOENT\n$/,
      );
      const { DB_SSL_CA_FILE: _unused, ...withoutCa } = base;
      await expect(startAppProcess(withoutCa)).rejects.toThrow(/exited \(1\) before listening:\nweb app failed to start: .*certificate/i);
      await expect(startAppProcess({ ...base, DB_SSL_CA_FILE: wrongCa })).rejects.toThrow(/exited \(1\) before listening:\nweb app failed to start: /);
    }, 60_000);
  });
});
