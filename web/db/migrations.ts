/**
 * The schema, as ordered migrations embedded in the bundle (no files beside it). A migration is
 * applied once, in its own transaction, and recorded in `schema_migrations`; never edit one that
 * has shipped: add the next one.
 *
 * - users: email unique regardless of case (unique index on lower(email)); `password_changed_at`
 *   lets a password change revoke older sessions.
 * - sessions: only the SHA-256 of the token is stored; deleting the row revokes the cookie.
 * - uploads: metadata of the files a user uploaded (the bytes are in S3 under `key`).
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: "users-sessions-uploads",
    sql: `
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        password_hash text NOT NULL,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

      CREATE TABLE sessions (
        token_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_user_id_idx ON sessions (user_id);
      CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        size bigint NOT NULL CHECK (size >= 0),
        content_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX uploads_user_created_idx ON uploads (user_id, created_at DESC, id DESC);
    `,
  },
];

/** The tables the app role reads and writes (granted after every migration run). */
export const APP_TABLES = ["users", "sessions", "uploads"] as const;
