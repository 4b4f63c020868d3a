import type { Pool, PoolClient } from 'pg';

/** Quoted, schema-qualified names of the store's tables, and the bare names for its indexes. */
export interface TableNames {
  schema: string;
  tablePrefix: string;
  meta: string;
  users: string;
  sessions: string;
  tokens: string;
  refreshTokens: string;
  counters: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const quote = (identifier: string): string => `"${identifier}"`;

/**
 * Checks and quotes the names once, at construction. Identifiers cannot be query parameters, so they
 * are the one thing put into SQL text; only plain `[A-Za-z0-9_]` names are accepted, which rules out
 * any injection through them.
 */
export function tableNames(schema: string, tablePrefix: string): TableNames {
  if (!IDENTIFIER.test(schema) || schema.length > 63) {
    throw new Error(`crossauth postgres store: schema ${JSON.stringify(schema)} must match ${IDENTIFIER} (at most 63 characters).`);
  }
  if (!/^[A-Za-z0-9_]*$/.test(tablePrefix) || tablePrefix.length > 40) {
    throw new Error(`crossauth postgres store: tablePrefix ${JSON.stringify(tablePrefix)} must be letters, digits and _ (at most 40).`);
  }
  const table = (name: string) => `${quote(schema)}.${quote(tablePrefix + name)}`;
  return {
    schema,
    tablePrefix,
    meta: table('meta'),
    users: table('users'),
    sessions: table('sessions'),
    tokens: table('tokens'),
    refreshTokens: table('refresh_tokens'),
    counters: table('counters'),
  };
}

/**
 * Migrations, in order; `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`. Never edit one that
 * has shipped: append a new one. Times are BIGINT epoch milliseconds, as in the Store interface. No
 * foreign keys, like the SQLite store: the stores must accept and refuse the same writes.
 */
const MIGRATIONS: ReadonlyArray<(t: TableNames) => string> = [
  (t) => {
    const index = (name: string) => quote(t.tablePrefix + name);
    return `
    CREATE TABLE ${t.users} (
      id            TEXT   NOT NULL PRIMARY KEY,
      email         TEXT   NOT NULL,
      password_hash TEXT   NOT NULL,
      created_at    BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX ${index('users_email')} ON ${t.users} (email);

    CREATE TABLE ${t.sessions} (
      id_hash             TEXT    NOT NULL PRIMARY KEY,
      user_id             TEXT    NOT NULL,
      created_at          BIGINT  NOT NULL,
      last_seen_at        BIGINT  NOT NULL,
      idle_expires_at     BIGINT  NOT NULL,
      absolute_expires_at BIGINT  NOT NULL,
      remember            BOOLEAN NOT NULL
    );
    CREATE INDEX ${index('sessions_user_id')} ON ${t.sessions} (user_id);

    CREATE TABLE ${t.tokens} (
      id           TEXT   NOT NULL PRIMARY KEY,
      secret_hash  TEXT   NOT NULL,
      user_id      TEXT   NOT NULL,
      name         TEXT   NOT NULL,
      kind         TEXT   NOT NULL CHECK (kind IN ('personal', 'device')),
      abilities    TEXT[] NOT NULL,
      created_at   BIGINT NOT NULL,
      expires_at   BIGINT,
      last_used_at BIGINT,
      family_id    TEXT,
      -- Breaks created_at ties in insertion order, as SQLite's rowid does.
      seq          BIGINT GENERATED ALWAYS AS IDENTITY
    );
    CREATE UNIQUE INDEX ${index('tokens_secret_hash')} ON ${t.tokens} (secret_hash);
    CREATE INDEX ${index('tokens_user_id')} ON ${t.tokens} (user_id, created_at, seq);
    CREATE INDEX ${index('tokens_family_id')} ON ${t.tokens} (family_id) WHERE family_id IS NOT NULL;

    CREATE TABLE ${t.refreshTokens} (
      hash            TEXT   NOT NULL PRIMARY KEY,
      family_id       TEXT   NOT NULL,
      user_id         TEXT   NOT NULL,
      access_token_id TEXT   NOT NULL,
      name            TEXT   NOT NULL,
      created_at      BIGINT NOT NULL,
      expires_at      BIGINT NOT NULL,
      used_at         BIGINT
    );
    CREATE INDEX ${index('refresh_tokens_family_id')} ON ${t.refreshTokens} (family_id);
    CREATE INDEX ${index('refresh_tokens_user_id')} ON ${t.refreshTokens} (user_id);

    CREATE TABLE ${t.counters} (
      key      TEXT    NOT NULL PRIMARY KEY,
      count    INTEGER NOT NULL,
      reset_at BIGINT  NOT NULL
    );`;
  },
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Arbitrary first key of the advisory lock ("cros"), the second being a hash of schema and prefix. */
const LOCK_CLASS = 0x63726f73;

/**
 * Brings the tables up to `SCHEMA_VERSION`, in one transaction. Idempotent: at the current version it
 * changes nothing. Safe from several processes starting at once: the transaction first takes an
 * advisory lock on (schema, prefix), so a second process waits until the first committed, then reads
 * the new version and has nothing left to do. A failed migration rolls back entirely.
 */
export async function migrate(pool: Pool, t: TableNames): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, `${t.schema}.${t.tablePrefix}`]);
    await runMigrations(client, t);
    await client.query('COMMIT');
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // A connection that failed mid-transaction is discarded rather than handed to the next query.
    client.release(broken);
  }
}

async function runMigrations(client: PoolClient, t: TableNames): Promise<void> {
  // Checked before creating: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database
  // even when the schema exists, which a least-privilege application role may lack.
  const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [t.schema]);
  if (existing.rowCount === 0) await client.query(`CREATE SCHEMA "${t.schema}"`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${t.meta} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`);
  const row = await client.query<{ value: string }>(`SELECT value FROM ${t.meta} WHERE key = 'schema_version'`);
  const raw = row.rows[0]?.value;
  const current = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(current) || current < 0) {
    throw new Error(`crossauth postgres store: ${t.meta}.schema_version is ${JSON.stringify(raw)}, not a version number`);
  }
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `crossauth postgres store: the database has schema version ${current}, newer than this crossauth (${SCHEMA_VERSION}). Upgrade @crossauth/server.`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  for (const migration of MIGRATIONS.slice(current)) await client.query(migration(t));
  await client.query(
    `INSERT INTO ${t.meta} (key, value) VALUES ('schema_version', $1)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [String(SCHEMA_VERSION)],
  );
}
