import type { Database } from 'better-sqlite3';
import type { CounterState, RefreshConsumeResult, Store } from '../../store/types.js';
import {
  type CounterRow,
  type RefreshTokenRow,
  type SessionRow,
  type TokenRow,
  type UserRow,
  refreshFromRow,
  refreshToRow,
  sessionFromRow,
  sessionToRow,
  tokenFromRow,
  tokenToRow,
  userFromRow,
  userToRow,
} from './rows.js';
import { openDatabase } from './open-database.js';
import { setupSchema } from './schema.js';

export { SCHEMA_VERSION } from './schema.js';
export { openDatabase } from './open-database.js';

export type SqliteStoreOptions =
  | {
      /**
       * A better-sqlite3 connection you opened. The store creates its `crossauth_*` tables in it but
       * leaves its pragmas alone and never closes it: `close()` is then a no-op.
       */
      database: Database;
    }
  | {
      /**
       * Path of the database file; its directory is created if missing. The store opens it with
       * `journal_mode = WAL`, `synchronous = NORMAL`, `foreign_keys = ON`, and closes it in `close()`.
       */
      filename: string;
      /**
       * How long a write waits for another process's lock before failing, in milliseconds. better-sqlite3
       * is synchronous, so this blocks the event loop while it waits. Default 5000.
       */
      busyTimeoutMs?: number;
    };

/**
 * Expired rows are invisible at once, but removed only by a sweep that runs at most once per this many
 * milliseconds of caller time — the `createdAt` of a new session, token or refresh token, or the `now`
 * of `incrementCounter` — so tables stop growing without a timer and no request pays for more than one
 * sweep (a scan of each table) per interval. Counts returned by `deleteUserSessions`/`deleteUserTokens`
 * may therefore include expired rows not swept yet.
 */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

const SELECT_TOKEN = `SELECT id, secret_hash, user_id, name, kind, abilities, created_at, expires_at, last_used_at, family_id
  FROM crossauth_tokens`;
const SELECT_REFRESH = `SELECT hash, family_id, user_id, access_token_id, name, created_at, expires_at, used_at
  FROM crossauth_refresh_tokens`;

/**
 * The embedded default store, on better-sqlite3. Every statement is compiled once, here; the request
 * path only binds parameters (never concatenates them into SQL) and runs synchronous calls that take
 * microseconds. Several processes may share one file (WAL): the operations that must be atomic are
 * single statements (`UPDATE … RETURNING`, upsert) or transactions.
 */
export function sqliteStore(options: SqliteStoreOptions): Store {
  const ownsDatabase = !('database' in options);
  const db = 'database' in options ? options.database : openDatabase(options.filename, options.busyTimeoutMs ?? 5000);
  try {
    setupSchema(db);
  } catch (error) {
    if (ownsDatabase) db.close();
    throw error;
  }

  const insertUser = db.prepare<UserRow>(
    `INSERT INTO crossauth_users (id, email, password_hash, created_at)
     VALUES (@id, @email, @password_hash, @created_at)
     ON CONFLICT (email) DO NOTHING`,
  );
  const selectUserById = db.prepare<[string], UserRow>(`SELECT id, email, password_hash, created_at FROM crossauth_users WHERE id = ?`);
  const selectUserByEmail = db.prepare<[string], UserRow>(`SELECT id, email, password_hash, created_at FROM crossauth_users WHERE email = ?`);
  const updatePassword = db.prepare<[string, string]>(`UPDATE crossauth_users SET password_hash = ? WHERE id = ?`);

  const insertSession = db.prepare<SessionRow>(
    `INSERT INTO crossauth_sessions (id_hash, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, remember)
     VALUES (@id_hash, @user_id, @created_at, @last_seen_at, @idle_expires_at, @absolute_expires_at, @remember)`,
  );
  const selectSession = db.prepare<{ idHash: string; now: number }, SessionRow>(
    `SELECT id_hash, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, remember
     FROM crossauth_sessions
     WHERE id_hash = @idHash AND idle_expires_at > @now AND absolute_expires_at > @now`,
  );
  const updateSessionSeen = db.prepare<{ idHash: string; lastSeenAt: number; idleExpiresAt: number }>(
    `UPDATE crossauth_sessions
     SET last_seen_at = @lastSeenAt, idle_expires_at = MIN(@idleExpiresAt, absolute_expires_at)
     WHERE id_hash = @idHash`,
  );
  const deleteSessionByHash = db.prepare<[string]>(`DELETE FROM crossauth_sessions WHERE id_hash = ?`);
  const deleteSessionsOfUser = db.prepare<[string]>(`DELETE FROM crossauth_sessions WHERE user_id = ?`);
  const deleteSessionsOfUserExcept = db.prepare<[string, string]>(
    `DELETE FROM crossauth_sessions WHERE user_id = ? AND id_hash <> ?`,
  );

  const insertToken = db.prepare<TokenRow>(
    `INSERT INTO crossauth_tokens (id, secret_hash, user_id, name, kind, abilities, created_at, expires_at, last_used_at, family_id)
     VALUES (@id, @secret_hash, @user_id, @name, @kind, @abilities, @created_at, @expires_at, @last_used_at, @family_id)`,
  );
  const selectTokenByHash = db.prepare<{ hash: string; now: number }, TokenRow>(
    `${SELECT_TOKEN} WHERE secret_hash = @hash AND (expires_at IS NULL OR expires_at > @now)`,
  );
  // rowid breaks createdAt ties in insertion order, as the memory store's Map does.
  const selectTokensOfUser = db.prepare<{ userId: string; now: number }, TokenRow>(
    `${SELECT_TOKEN} WHERE user_id = @userId AND (expires_at IS NULL OR expires_at > @now) ORDER BY created_at, rowid`,
  );
  const updateTokenUsed = db.prepare<[number, string]>(`UPDATE crossauth_tokens SET last_used_at = ? WHERE id = ?`);
  const deleteTokenOfUser = db.prepare<[string, string]>(`DELETE FROM crossauth_tokens WHERE id = ? AND user_id = ?`);
  const deleteTokensOfUser = db.prepare<[string]>(`DELETE FROM crossauth_tokens WHERE user_id = ?`);
  const deleteTokensOfFamily = db.prepare<[string]>(`DELETE FROM crossauth_tokens WHERE family_id = ?`);

  const insertRefresh = db.prepare<RefreshTokenRow>(
    `INSERT INTO crossauth_refresh_tokens (hash, family_id, user_id, access_token_id, name, created_at, expires_at, used_at)
     VALUES (@hash, @family_id, @user_id, @access_token_id, @name, @created_at, @expires_at, @used_at)`,
  );
  // The spend is one statement, so of two processes racing on the same hash only one matches
  // `used_at IS NULL`; the loser then reads the row below and sees it spent.
  const spendRefresh = db.prepare<{ hash: string; now: number }, RefreshTokenRow>(
    `UPDATE crossauth_refresh_tokens SET used_at = @now
     WHERE hash = @hash AND used_at IS NULL AND expires_at > @now
     RETURNING hash, family_id, user_id, access_token_id, name, created_at, expires_at, used_at`,
  );
  const selectLiveRefresh = db.prepare<{ hash: string; now: number }, RefreshTokenRow>(
    `${SELECT_REFRESH} WHERE hash = @hash AND expires_at > @now`,
  );
  const deleteRefreshOfFamily = db.prepare<[string]>(`DELETE FROM crossauth_refresh_tokens WHERE family_id = ?`);
  const deleteRefreshOfUser = db.prepare<[string]>(`DELETE FROM crossauth_refresh_tokens WHERE user_id = ?`);

  // One upsert, so concurrent increments from several processes never lose a count. In the UPDATE
  // branch every column reference reads the row as it was before the update.
  const upsertCounter = db.prepare<{ key: string; now: number; resetAt: number }, CounterRow>(
    `INSERT INTO crossauth_counters (key, count, reset_at) VALUES (@key, 1, @resetAt)
     ON CONFLICT (key) DO UPDATE SET
       count    = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
       reset_at = CASE WHEN reset_at <= @now THEN excluded.reset_at ELSE reset_at END
     RETURNING count, reset_at`,
  );
  const selectCounter = db.prepare<[string, number], CounterRow>(
    `SELECT count, reset_at FROM crossauth_counters WHERE key = ? AND reset_at > ?`,
  );
  const deleteCounterByKey = db.prepare<[string]>(`DELETE FROM crossauth_counters WHERE key = ?`);

  const purgeSessions = db.prepare<[number, number]>(
    `DELETE FROM crossauth_sessions WHERE idle_expires_at <= ? OR absolute_expires_at <= ?`,
  );
  const purgeTokens = db.prepare<[number]>(`DELETE FROM crossauth_tokens WHERE expires_at <= ?`);
  const purgeRefresh = db.prepare<[number]>(`DELETE FROM crossauth_refresh_tokens WHERE expires_at <= ?`);
  const purgeCounters = db.prepare<[number]>(`DELETE FROM crossauth_counters WHERE reset_at <= ?`);

  const purge = db.transaction((now: number) => {
    purgeSessions.run(now, now);
    purgeTokens.run(now);
    purgeRefresh.run(now);
    purgeCounters.run(now);
  });
  let lastPurgeAt = Number.NEGATIVE_INFINITY;
  const maybePurge = (now: number): void => {
    if (now < lastPurgeAt + PURGE_INTERVAL_MS) return;
    lastPurgeAt = now;
    purge(now);
  };

  const revokeUserTokens = db.transaction((userId: string): number => {
    deleteRefreshOfUser.run(userId);
    return deleteTokensOfUser.run(userId).changes;
  });
  const revokeFamily = db.transaction((familyId: string) => {
    deleteRefreshOfFamily.run(familyId);
    deleteTokensOfFamily.run(familyId);
  });

  let closed = false;

  return {
    async createUser(user) {
      return insertUser.run(userToRow(user)).changes === 1;
    },

    async getUserById(id) {
      const row = selectUserById.get(id);
      return row ? userFromRow(row) : null;
    },

    async getUserByEmail(email) {
      const row = selectUserByEmail.get(email);
      return row ? userFromRow(row) : null;
    },

    async updatePasswordHash(userId, passwordHash) {
      updatePassword.run(passwordHash, userId);
    },

    async createSession(session) {
      maybePurge(session.createdAt);
      insertSession.run(sessionToRow(session));
    },

    async getSession(idHash, now) {
      const row = selectSession.get({ idHash, now });
      return row ? sessionFromRow(row) : null;
    },

    async touchSession(idHash, lastSeenAt, idleExpiresAt) {
      updateSessionSeen.run({ idHash, lastSeenAt, idleExpiresAt });
    },

    async deleteSession(idHash) {
      return deleteSessionByHash.run(idHash).changes > 0;
    },

    async deleteUserSessions(userId, exceptIdHash) {
      const result =
        exceptIdHash === undefined
          ? deleteSessionsOfUser.run(userId)
          : deleteSessionsOfUserExcept.run(userId, exceptIdHash);
      return result.changes;
    },

    async createToken(token) {
      maybePurge(token.createdAt);
      insertToken.run(tokenToRow(token));
    },

    async getTokenByHash(secretHash, now) {
      const row = selectTokenByHash.get({ hash: secretHash, now });
      return row ? tokenFromRow(row) : null;
    },

    async listTokens(userId, now) {
      return selectTokensOfUser.all({ userId, now }).map(tokenFromRow);
    },

    async touchToken(id, lastUsedAt) {
      updateTokenUsed.run(lastUsedAt, id);
    },

    async deleteToken(id, userId) {
      return deleteTokenOfUser.run(id, userId).changes > 0;
    },

    async deleteUserTokens(userId) {
      return revokeUserTokens(userId);
    },

    async createRefreshToken(record) {
      maybePurge(record.createdAt);
      insertRefresh.run(refreshToRow(record));
    },

    async consumeRefreshToken(hash, now): Promise<RefreshConsumeResult> {
      const spent = spendRefresh.get({ hash, now });
      if (spent) return { status: 'consumed', record: refreshFromRow(spent) };
      // Not spent by us: either spent before (used_at is never cleared, so the row still says so),
      // or unknown, expired, or revoked in between.
      const existing = selectLiveRefresh.get({ hash, now });
      if (existing && existing.used_at !== null) return { status: 'reused', record: refreshFromRow(existing) };
      return { status: 'not_found' };
    },

    async deleteRefreshFamily(familyId) {
      revokeFamily(familyId);
    },

    async incrementCounter(key, windowMs, now): Promise<CounterState> {
      maybePurge(now);
      const row = upsertCounter.get({ key, now, resetAt: now + windowMs });
      // RETURNING always yields the row it wrote; a missing one means the driver broke its contract.
      if (!row) throw new Error('crossauth sqlite store: counter upsert returned no row');
      return { count: row.count, resetAt: row.reset_at };
    },

    async getCounter(key, now) {
      const row = selectCounter.get(key, now);
      return row ? { count: row.count, resetAt: row.reset_at } : null;
    },

    async deleteCounter(key) {
      deleteCounterByKey.run(key);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownsDatabase) db.close();
    },
  };
}
