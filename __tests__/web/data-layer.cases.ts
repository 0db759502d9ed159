/**
 * The data-layer tests (migrations, users, sessions, uploads), run by
 * data-layer.pglite.test.ts against PGlite's socket server and by data-layer.postgres.test.ts
 * against Debian's PostgreSQL server with TLS. Both start from an empty database.
 */
import { Client, Pool, type ClientConfig } from "pg";
import { migrate } from "../../web/db/migrate";
import { MIGRATIONS } from "../../web/db/migrations";
import { EmailTakenError, Store, tokenDigest } from "../../web/db/store";

export interface DataLayerTarget {
  /** The master user's connection (migrations). */
  readonly master: ClientConfig;
  /** The app role's connection after migrate() created it with `password`. */
  app(user: string, password: string): ClientConfig;
}

export const SQL_META = `Robert'); DROP TABLE users; -- "x" \\ % _ $1 ; /* */ \u0000`.replace("\u0000", "");

export function dataLayerCases(getTarget: () => DataLayerTarget): void {
  let pool: Pool;
  let store: Store;
  const APP_PASSWORD = "app-role-password";

  async function masterQuery<T extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client(getTarget().master);
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    // Two runners at once, each on its own connection, as two app processes starting together.
    const results = await Promise.all([
      migrate(getTarget().master, { user: "app", password: APP_PASSWORD }),
      migrate(getTarget().master, { user: "app", password: APP_PASSWORD }),
    ]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(MIGRATIONS.map((m) => m.id));
    pool = new Pool({ ...getTarget().app("app", APP_PASSWORD), max: 4 });
    store = new Store(pool);
  });

  afterAll(async () => {
    await pool?.end();
  });

  describe("migrations", () => {
    test("two runners at once applied every migration exactly once; a later run applies none", async () => {
      const rows = await masterQuery<{ id: number }>("SELECT id FROM schema_migrations ORDER BY id");
      expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
      expect((await migrate(getTarget().master, { user: "app", password: APP_PASSWORD })).applied).toEqual([]);
    });

    test("a failing migration rolls back whole and names itself; the next run retries it", async () => {
      const broken = [...MIGRATIONS, { id: 999, name: "broken", sql: "CREATE TABLE half_done (id int); SELECT no_such_column FROM users;" }];
      await expect(migrate(getTarget().master, undefined, broken)).rejects.toThrow(/migration 999 \(broken\) failed/);
      const tables = await masterQuery("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
      expect(tables).toEqual([]);
      const applied = await masterQuery("SELECT 1 FROM schema_migrations WHERE id = 999");
      expect(applied).toEqual([]);
    });
  });

  describe("users", () => {
    test("email is unique regardless of case", async () => {
      const user = await store.createUser({ email: "Case.Test@Example.com", name: "Case", passwordHash: "h" });
      await expect(store.createUser({ email: "case.test@EXAMPLE.COM", name: "Other", passwordHash: "h" })).rejects.toBeInstanceOf(EmailTakenError);
      expect((await store.findUserByEmail("CASE.TEST@example.com"))?.id).toBe(user.id);
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    test("SQL meta-characters in every text field are stored and read back as text", async () => {
      const email = `o'neil"--;@example.com`;
      const user = await store.createUser({ email, name: SQL_META, passwordHash: SQL_META });
      const found = await store.findUserByEmail(email);
      expect(found).toMatchObject({ id: user.id, email, name: SQL_META, passwordHash: SQL_META });
      await store.addUpload(user.id, { key: `uploads/${user.id}/${SQL_META}`, name: SQL_META, size: 1, contentType: SQL_META });
      expect((await store.listUploads(user.id))[0]).toMatchObject({ name: SQL_META, contentType: SQL_META });
      expect(await masterQuery("SELECT 1 FROM pg_tables WHERE tablename = 'users'")).toHaveLength(1);
    });

    test("an unknown email or id finds nobody", async () => {
      expect(await store.findUserByEmail("nobody@example.com")).toBeUndefined();
      expect(await store.findUserById("00000000-0000-4000-8000-000000000000")).toBeUndefined();
    });
  });

  describe("sessions", () => {
    test("only the token's SHA-256 is stored; logout (delete) revokes it", async () => {
      const user = await store.createUser({ email: "session@example.com", name: "S", passwordHash: "h" });
      const token = "token-for-the-session-test-0123456789";
      await store.createSession(user.id, token, 3600);
      expect((await store.userForSession(token))?.id).toBe(user.id);
      const stored = await masterQuery<{ token_hash: Buffer }>("SELECT token_hash FROM sessions WHERE user_id = $1", [user.id]);
      expect(stored).toHaveLength(1);
      expect(stored[0].token_hash.equals(tokenDigest(token))).toBe(true);
      expect(stored[0].token_hash.toString("latin1")).not.toContain(token);
      await store.deleteSession(token);
      expect(await store.userForSession(token)).toBeUndefined();
    });

    test("an expired session is refused and cleaned up", async () => {
      const user = await store.createUser({ email: "expired@example.com", name: "E", passwordHash: "h" });
      await store.createSession(user.id, "expired-token", 0);
      expect(await store.userForSession("expired-token")).toBeUndefined();
      expect(await store.deleteExpiredSessions()).toBeGreaterThanOrEqual(1);
    });

    test("a password change revokes every session of the user, and only theirs", async () => {
      const user = await store.createUser({ email: "change@example.com", name: "C", passwordHash: "old" });
      const other = await store.createUser({ email: "bystander@example.com", name: "B", passwordHash: "h" });
      await store.createSession(user.id, "one", 3600);
      await store.createSession(user.id, "two", 3600);
      await store.createSession(other.id, "three", 3600);
      await store.setPassword(user.id, "new");
      expect(await store.userForSession("one")).toBeUndefined();
      expect(await store.userForSession("two")).toBeUndefined();
      expect((await store.userForSession("three"))?.id).toBe(other.id);
      expect((await store.findUserByEmail("change@example.com"))?.passwordHash).toBe("new");
      await store.createSession(user.id, "after", 3600);
      expect((await store.userForSession("after"))?.id).toBe(user.id);
    });
  });

  describe("uploads", () => {
    test("listed newest first, per user only; a key is stored once", async () => {
      const user = await store.createUser({ email: "uploads@example.com", name: "U", passwordHash: "h" });
      const other = await store.createUser({ email: "uploads-other@example.com", name: "O", passwordHash: "h" });
      for (const name of ["first", "second", "third"]) {
        await store.addUpload(user.id, { key: `uploads/${user.id}/${name}`, name, size: 5_000_000_000, contentType: "text/plain" });
      }
      await store.addUpload(other.id, { key: `uploads/${other.id}/x`, name: "x", size: 1, contentType: "text/plain" });
      const items = await store.listUploads(user.id);
      expect(items.map((i) => i.name)).toEqual(["third", "second", "first"]);
      expect(items[0].size).toBe(5_000_000_000);
      await expect(store.addUpload(user.id, { key: `uploads/${user.id}/first`, name: "dup", size: 1, contentType: "text/plain" })).rejects.toThrow();
    });
  });
}
