/**
 * A small ordered-SQL migration runner. It runs as the master user, holding a session-level
 * `pg_advisory_lock` on one connection for the whole run, so two processes that start at once
 * apply each migration exactly once: the second waits, then finds everything applied.
 *
 * After the migrations it ensures the least-privileged app role (idempotent, every start):
 * - `CREATE ROLE <app> LOGIN` when missing; with password auth, (re)sets its password;
 * - `GRANT rds_iam TO <app>` when the `rds_iam` role exists (on RDS: IAM database authentication);
 * - USAGE on schema public and SELECT/INSERT/UPDATE/DELETE on the app's tables only (not on
 *   `schema_migrations`, no DDL).
 */
import type { Client, ClientConfig } from "pg";
import { Client as PgClient } from "pg";
import { APP_TABLES, Migration, MIGRATIONS } from "./migrations";

/** Arbitrary, fixed: the advisory lock key of this app's migrations. */
export const MIGRATION_LOCK_KEY = 7_426_100_311;

export interface AppRoleOptions {
  readonly user: string;
  /** Set for password auth; undefined for IAM auth. */
  readonly password?: string;
}

export interface MigrationResult {
  /** Ids applied by this run (empty when another run had applied them). */
  readonly applied: number[];
}

function quoteIdent(client: Client, name: string): string {
  return client.escapeIdentifier(name);
}

export async function migrate(connection: ClientConfig, appRole: AppRoleOptions | undefined, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const client = new PgClient(connection);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      const applied = await applyMigrations(client, migrations);
      if (appRole) await ensureAppRole(client, appRole);
      return { applied };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyMigrations(client: Client, migrations: readonly Migration[]): Promise<number[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await client.query<{ id: number }>("SELECT id FROM schema_migrations");
  const done = new Set(rows.map((r) => r.id));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(migration.id)) continue;
    await client.query("BEGIN");
    try {
      // Claimed inside the transaction: should the lock not exclude another runner (an engine where
      // connections share one session, like PGlite's socket server), the second one skips it.
      const claim = await client.query("INSERT INTO schema_migrations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id", [migration.id, migration.name]);
      if (claim.rows.length === 0) {
        await client.query("ROLLBACK");
        continue;
      }
      await client.query(migration.sql);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw new Error(`migration ${migration.id} (${migration.name}) failed: ${(error as Error).message}`);
    }
    applied.push(migration.id);
  }
  return applied;
}

async function roleExists(client: Client, name: string): Promise<boolean> {
  const { rows } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
  return rows.length > 0;
}

async function ensureAppRole(client: Client, role: AppRoleOptions): Promise<void> {
  const ident = quoteIdent(client, role.user);
  if (!(await roleExists(client, role.user))) {
    try {
      await client.query(`CREATE ROLE ${ident} LOGIN`);
    } catch (error) {
      // Another cluster-wide writer (a second app with its own lock key) created it meanwhile.
      if ((error as { code?: string }).code !== "42710") throw error;
    }
  }
  if (role.password !== undefined) {
    await client.query(`ALTER ROLE ${ident} LOGIN PASSWORD ${client.escapeLiteral(role.password)}`);
  } else if (await roleExists(client, "rds_iam")) {
    await client.query(`GRANT rds_iam TO ${ident}`);
  }
  await client.query(`GRANT USAGE ON SCHEMA public TO ${ident}`);
  const tables = APP_TABLES.map((t) => quoteIdent(client, t)).join(", ");
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables} TO ${ident}`);
}
