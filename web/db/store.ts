/**
 * The data layer: every query the app runs, parameterized (text from users never becomes SQL).
 * Runs as the least-privileged app role over a `pg` pool (or any `Queryable`).
 */
import { createHash } from "node:crypto";

export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface UserWithPassword extends User {
  readonly passwordHash: string;
}

export interface UploadRecord {
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
  readonly createdAt: Date;
}

export class EmailTakenError extends Error {
  constructor() {
    super("email already registered");
    this.name = "EmailTakenError";
  }
}

/** The sessions table keeps only this digest of a token, never the token itself. */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  created_at: Date;
  password_hash: string;
}

const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, name: row.name, createdAt: row.created_at });

export class Store {
  constructor(private readonly db: Queryable) {}

  /** Inserts a user; EmailTakenError when the email exists in any letter case. */
  async createUser(input: { email: string; name: string; passwordHash: string }): Promise<User> {
    try {
      const { rows } = await this.db.query<UserRow>(
        `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
         RETURNING id, email, name, created_at, password_hash`,
        [input.email, input.name, input.passwordHash],
      );
      return toUser(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === "23505") throw new EmailTakenError();
      throw error;
    }
  }

  async findUserByEmail(email: string): Promise<UserWithPassword | undefined> {
    const { rows } = await this.db.query<UserRow>(
      "SELECT id, email, name, created_at, password_hash FROM users WHERE lower(email) = lower($1)",
      [email],
    );
    return rows[0] && { ...toUser(rows[0]), passwordHash: rows[0].password_hash };
  }

  async findUserById(id: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>("SELECT id, email, name, created_at, password_hash FROM users WHERE id = $1", [id]);
    return rows[0] && toUser(rows[0]);
  }

  /** Changes a password and revokes every session of the user created before the change. */
  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.query(
      `WITH changed AS (UPDATE users SET password_hash = $2, password_changed_at = clock_timestamp() WHERE id = $1 RETURNING id)
       DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed)`,
      [userId, passwordHash],
    );
  }

  async createSession(userId: string, token: string, ttlSeconds: number): Promise<void> {
    await this.db.query(
      "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))",
      [tokenDigest(token), userId, ttlSeconds],
    );
  }

  /** The user of a live session: not expired, not revoked, not older than a password change. */
  async userForSession(token: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>(
      `SELECT u.id, u.email, u.name, u.created_at, u.password_hash
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND s.created_at >= u.password_changed_at`,
      [tokenDigest(token)],
    );
    return rows[0] && toUser(rows[0]);
  }

  async deleteSession(token: string): Promise<void> {
    await this.db.query("DELETE FROM sessions WHERE token_hash = $1", [tokenDigest(token)]);
  }

  async deleteExpiredSessions(): Promise<number> {
    const { rowCount } = await this.db.query("DELETE FROM sessions WHERE expires_at <= now()");
    return rowCount ?? 0;
  }

  async addUpload(userId: string, upload: Omit<UploadRecord, "createdAt">): Promise<UploadRecord> {
    const { rows } = await this.db.query<{ created_at: Date }>(
      "INSERT INTO uploads (user_id, key, name, size, content_type) VALUES ($1, $2, $3, $4, $5) RETURNING created_at",
      [userId, upload.key, upload.name, upload.size, upload.contentType],
    );
    return { ...upload, createdAt: rows[0].created_at };
  }

  /** The user's uploads, newest first. */
  async listUploads(userId: string): Promise<UploadRecord[]> {
    const { rows } = await this.db.query<{ key: string; name: string; size: string; content_type: string; created_at: Date }>(
      "SELECT key, name, size, content_type, created_at FROM uploads WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
      [userId],
    );
    return rows.map((r) => ({ key: r.key, name: r.name, size: Number(r.size), contentType: r.content_type, createdAt: r.created_at }));
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1");
  }
}
