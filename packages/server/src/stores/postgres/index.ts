import type { Pool } from 'pg';
import type { CounterState, RefreshConsumeResult, Store } from '../../store/types.js';
import {
  type CounterRow,
  REFRESH_COLUMNS,
  type RefreshTokenRow,
  SESSION_COLUMNS,
  type SessionRow,
  TOKEN_COLUMNS,
  type TokenRow,
  USER_COLUMNS,
  type UserRow,
  refreshFromRow,
  sessionFromRow,
  tokenFromRow,
  userFromRow,
} from './rows.js';
import { migrate, tableNames } from './schema.js';

export { SCHEMA_VERSION } from './schema.js';

export interface PostgresStoreOptions {
  /**
   * A `pg` pool you created. Bound every operation when you create it: `connectionTimeoutMillis`
   * (waiting for a connection), `query_timeout` (client side) and `statement_timeout` (server side),
   * for example 1000 ms each. The store never ends it: `close()` leaves it to you.
   */
  pool: Pool;
  /** Schema of the tables, created if missing. Letters, digits and `_`. Default `'public'`. */
  schema?: string;
  /** Prefix of every table and index name. Letters, digits and `_`. Default `'crossauth_'`. */
  tablePrefix?: string;
}

export interface PostgresStore extends Store {
  /**
   * Settles when the schema is at the current version (created or migrated by this process or another).
   * Await it at startup to fail fast on a wrong URL or missing privileges; operations also wait for it,
   * and retry the setup if an earlier attempt failed (the database was down at startup).
   */
  readonly ready: Promise<void>;
}

/** Same sweep cadence as the SQLite store: at most once per ten minutes of caller time. */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The store for several API instances sharing one PostgreSQL database. Every operation is one
 * parameterised statement, so the atomic ones need no explicit transaction: the unique email is
 * `INSERT … ON CONFLICT DO NOTHING`, the refresh spend `UPDATE … WHERE used_at IS NULL RETURNING` (of
 * two racing spends the second re-checks the row after the first commits and matches nothing), the
 * counter one upsert, and the revocations data-modifying CTEs.
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const { pool } = options;
  const t = tableNames(options.schema ?? 'public', options.tablePrefix ?? 'crossauth_');

  let setup: Promise<void> | undefined;
  const ensureReady = (): Promise<void> => {
    setup ??= migrate(pool, t).catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  };
  const ready = ensureReady();
  // Operations observe failures themselves; nobody has to await `ready` to avoid an unhandled rejection.
  ready.catch(() => {});

  const query = async <Row extends object>(text: string, values: unknown[]) => {
    await ensureReady();
    return pool.query<Row>(text, values);
  };

  const sql = {
    insertUser: `INSERT INTO ${t.users} (${USER_COLUMNS}) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING`,
    userById: `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE id = $1`,
    userByEmail: `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE email = $1`,
    updatePassword: `UPDATE ${t.users} SET password_hash = $2 WHERE id = $1`,
    insertSession: `INSERT INTO ${t.sessions} (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    session: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions}
      WHERE id_hash = $1 AND idle_expires_at > $2 AND absolute_expires_at > $2`,
    touchSession: `UPDATE ${t.sessions} SET last_seen_at = $2, idle_expires_at = LEAST($3::bigint, absolute_expires_at)
      WHERE id_hash = $1`,
    deleteSession: `DELETE FROM ${t.sessions} WHERE id_hash = $1`,
    deleteUserSessions: `DELETE FROM ${t.sessions} WHERE user_id = $1`,
    deleteUserSessionsExcept: `DELETE FROM ${t.sessions} WHERE user_id = $1 AND id_hash <> $2`,
    insertToken: `INSERT INTO ${t.tokens} (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    tokenByHash: `SELECT ${TOKEN_COLUMNS} FROM ${t.tokens} WHERE secret_hash = $1 AND (expires_at IS NULL OR expires_at > $2)`,
    tokensOfUser: `SELECT ${TOKEN_COLUMNS} FROM ${t.tokens}
      WHERE user_id = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at, seq`,
    touchToken: `UPDATE ${t.tokens} SET last_used_at = $2 WHERE id = $1`,
    deleteToken: `DELETE FROM ${t.tokens} WHERE id = $1 AND user_id = $2`,
    // One statement, so no reader ever sees the tokens gone but the refresh tokens still spendable.
    deleteUserTokens: `WITH refresh AS (DELETE FROM ${t.refreshTokens} WHERE user_id = $1)
      DELETE FROM ${t.tokens} WHERE user_id = $1`,
    insertRefresh: `INSERT INTO ${t.refreshTokens} (${REFRESH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    spendRefresh: `UPDATE ${t.refreshTokens} SET used_at = $2
      WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING ${REFRESH_COLUMNS}`,
    liveRefresh: `SELECT ${REFRESH_COLUMNS} FROM ${t.refreshTokens} WHERE hash = $1 AND expires_at > $2`,
    deleteFamily: `WITH refresh AS (DELETE FROM ${t.refreshTokens} WHERE family_id = $1)
      DELETE FROM ${t.tokens} WHERE family_id = $1`,
    // In the UPDATE branch `c` is the row as it was; `excluded` the row that was offered.
    incrementCounter: `INSERT INTO ${t.counters} AS c (key, count, reset_at) VALUES ($1, 1, $3)
      ON CONFLICT (key) DO UPDATE SET
        count    = CASE WHEN c.reset_at <= $2 THEN 1 ELSE c.count + 1 END,
        reset_at = CASE WHEN c.reset_at <= $2 THEN excluded.reset_at ELSE c.reset_at END
      RETURNING count, reset_at`,
    counter: `SELECT count, reset_at FROM ${t.counters} WHERE key = $1 AND reset_at > $2`,
    deleteCounter: `DELETE FROM ${t.counters} WHERE key = $1`,
    purge: `WITH
        sessions AS (DELETE FROM ${t.sessions} WHERE idle_expires_at <= $1 OR absolute_expires_at <= $1),
        tokens AS (DELETE FROM ${t.tokens} WHERE expires_at <= $1),
        refresh AS (DELETE FROM ${t.refreshTokens} WHERE expires_at <= $1)
      DELETE FROM ${t.counters} WHERE reset_at <= $1`,
  };

  // Expired rows are invisible at once; the sweep that deletes them runs in the background, off the
  // request's path, and a failed sweep is simply retried at the next interval.
  let lastPurgeAt = Number.NEGATIVE_INFINITY;
  let purging: Promise<unknown> | undefined;
  const maybePurge = (now: number): void => {
    if (now < lastPurgeAt + PURGE_INTERVAL_MS || purging) return;
    lastPurgeAt = now;
    purging = query(sql.purge, [now])
      .catch(() => {})
      .finally(() => (purging = undefined));
  };

  return {
    ready,

    async createUser(u) {
      return (await query(sql.insertUser, [u.id, u.email, u.passwordHash, u.createdAt])).rowCount === 1;
    },

    async getUserById(id) {
      const row = (await query<UserRow>(sql.userById, [id])).rows[0];
      return row ? userFromRow(row) : null;
    },

    async getUserByEmail(email) {
      const row = (await query<UserRow>(sql.userByEmail, [email])).rows[0];
      return row ? userFromRow(row) : null;
    },

    async updatePasswordHash(userId, passwordHash) {
      await query(sql.updatePassword, [userId, passwordHash]);
    },

    async createSession(s) {
      maybePurge(s.createdAt);
      await query(sql.insertSession, [s.idHash, s.userId, s.createdAt, s.lastSeenAt, s.idleExpiresAt, s.absoluteExpiresAt, s.remember]);
    },

    async getSession(idHash, now) {
      const row = (await query<SessionRow>(sql.session, [idHash, now])).rows[0];
      return row ? sessionFromRow(row) : null;
    },

    async touchSession(idHash, lastSeenAt, idleExpiresAt) {
      await query(sql.touchSession, [idHash, lastSeenAt, idleExpiresAt]);
    },

    async deleteSession(idHash) {
      return ((await query(sql.deleteSession, [idHash])).rowCount ?? 0) > 0;
    },

    async deleteUserSessions(userId, exceptIdHash) {
      const result =
        exceptIdHash === undefined
          ? await query(sql.deleteUserSessions, [userId])
          : await query(sql.deleteUserSessionsExcept, [userId, exceptIdHash]);
      return result.rowCount ?? 0;
    },

    async createToken(k) {
      maybePurge(k.createdAt);
      await query(sql.insertToken, [
        k.id, k.secretHash, k.userId, k.name, k.kind, k.abilities, k.createdAt, k.expiresAt, k.lastUsedAt, k.familyId,
      ]);
    },

    async getTokenByHash(secretHash, now) {
      const row = (await query<TokenRow>(sql.tokenByHash, [secretHash, now])).rows[0];
      return row ? tokenFromRow(row) : null;
    },

    async listTokens(userId, now) {
      return (await query<TokenRow>(sql.tokensOfUser, [userId, now])).rows.map(tokenFromRow);
    },

    async touchToken(id, lastUsedAt) {
      await query(sql.touchToken, [id, lastUsedAt]);
    },

    async deleteToken(id, userId) {
      return ((await query(sql.deleteToken, [id, userId])).rowCount ?? 0) > 0;
    },

    async deleteUserTokens(userId) {
      return (await query(sql.deleteUserTokens, [userId])).rowCount ?? 0;
    },

    async createRefreshToken(r) {
      maybePurge(r.createdAt);
      await query(sql.insertRefresh, [r.hash, r.familyId, r.userId, r.accessTokenId, r.name, r.createdAt, r.expiresAt, r.usedAt]);
    },

    async consumeRefreshToken(hash, now): Promise<RefreshConsumeResult> {
      const spent = (await query<RefreshTokenRow>(sql.spendRefresh, [hash, now])).rows[0];
      if (spent) return { status: 'consumed', record: refreshFromRow(spent) };
      // Not spent by us: spent before (used_at is never cleared), or unknown, expired or revoked.
      const existing = (await query<RefreshTokenRow>(sql.liveRefresh, [hash, now])).rows[0];
      if (existing && existing.used_at !== null) return { status: 'reused', record: refreshFromRow(existing) };
      return { status: 'not_found' };
    },

    async deleteRefreshFamily(familyId) {
      await query(sql.deleteFamily, [familyId]);
    },

    async incrementCounter(key, windowMs, now): Promise<CounterState> {
      maybePurge(now);
      const row = (await query<CounterRow>(sql.incrementCounter, [key, now, now + windowMs])).rows[0];
      // RETURNING always yields the row it wrote; a missing one means the driver broke its contract.
      if (!row) throw new Error('crossauth postgres store: counter upsert returned no row');
      return { count: Number(row.count), resetAt: Number(row.reset_at) };
    },

    async getCounter(key, now) {
      const row = (await query<CounterRow>(sql.counter, [key, now])).rows[0];
      return row ? { count: Number(row.count), resetAt: Number(row.reset_at) } : null;
    },

    async deleteCounter(key) {
      await query(sql.deleteCounter, [key]);
    },

    // The pool belongs to the caller; only a sweep still in flight is waited for, so that ending the
    // pool right after close() interrupts nothing.
    async close() {
      await purging;
    },
  };
}
