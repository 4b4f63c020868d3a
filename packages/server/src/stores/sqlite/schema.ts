import type { Database } from 'better-sqlite3';

/**
 * Migrations, in order; `MIGRATIONS[i]` takes the schema from version `i` to version `i + 1`. Never edit
 * one that has shipped: append a new one. Every table is prefixed `crossauth_` so the store can share a
 * database file with the application's own tables.
 *
 * No foreign keys between the tables: the Store interface has no "delete user" and the memory, Redis
 * and PostgreSQL stores do not enforce them either, so adding them here would make this store refuse
 * writes that the others accept.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE crossauth_users (
    id            TEXT    NOT NULL PRIMARY KEY,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX crossauth_users_email ON crossauth_users (email);

  -- Looked up by id_hash on every request: WITHOUT ROWID keeps the row in the key's B-tree, so a
  -- lookup is one search instead of two.
  CREATE TABLE crossauth_sessions (
    id_hash             TEXT    NOT NULL PRIMARY KEY,
    user_id             TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    idle_expires_at     INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    remember            INTEGER NOT NULL CHECK (remember IN (0, 1))
  ) WITHOUT ROWID;
  CREATE INDEX crossauth_sessions_user_id ON crossauth_sessions (user_id);

  CREATE TABLE crossauth_tokens (
    id           TEXT    NOT NULL PRIMARY KEY,
    secret_hash  TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('personal', 'device')),
    abilities    TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    family_id    TEXT
  );
  CREATE UNIQUE INDEX crossauth_tokens_secret_hash ON crossauth_tokens (secret_hash);
  CREATE INDEX crossauth_tokens_user_id ON crossauth_tokens (user_id, created_at);
  CREATE INDEX crossauth_tokens_family_id ON crossauth_tokens (family_id) WHERE family_id IS NOT NULL;

  CREATE TABLE crossauth_refresh_tokens (
    hash            TEXT    NOT NULL PRIMARY KEY,
    family_id       TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    access_token_id TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
  );
  CREATE INDEX crossauth_refresh_tokens_family_id ON crossauth_refresh_tokens (family_id);
  CREATE INDEX crossauth_refresh_tokens_user_id ON crossauth_refresh_tokens (user_id);

  CREATE TABLE crossauth_counters (
    key      TEXT    NOT NULL PRIMARY KEY,
    count    INTEGER NOT NULL,
    reset_at INTEGER NOT NULL
  );
  `,
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database up to `SCHEMA_VERSION`. Idempotent: a database already at that version is left
 * alone. Safe from several processes at once: everything, including the check of the current version,
 * runs in one `BEGIN IMMEDIATE` transaction, so a second process waits (up to its `busy_timeout`) for
 * the first to commit, then reads the new version and has nothing left to do. A failed migration rolls
 * back entirely.
 */
export function setupSchema(db: Database): void {
  const migrate = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS crossauth_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`);
    const row = db
      .prepare<[], { value: string }>(`SELECT value FROM crossauth_meta WHERE key = 'schema_version'`)
      .get();
    const current = row === undefined ? 0 : Number(row.value);
    if (!Number.isInteger(current) || current < 0) {
      throw new Error(`crossauth sqlite store: crossauth_meta.schema_version is ${JSON.stringify(row?.value)}, not a version number`);
    }
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `crossauth sqlite store: the database has schema version ${current}, newer than this crossauth (${SCHEMA_VERSION}). Upgrade @crossauth/server.`,
      );
    }
    if (current === SCHEMA_VERSION) return;
    for (const migration of MIGRATIONS.slice(current)) db.exec(migration);
    db.prepare(
      `INSERT INTO crossauth_meta (key, value) VALUES ('schema_version', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(String(SCHEMA_VERSION));
  });
  migrate.immediate();
}
