import type {
  CounterState,
  RefreshConsumeResult,
  RefreshTokenRecord,
  SessionRecord,
  Store,
  TokenRecord,
  UserRecord,
} from '../../store/types.js';

/**
 * Expired rows are invisible at once, but they are only removed by a sweep that runs at most once per
 * this many milliseconds of caller time (the `createdAt`/`now` the store is given), so no request
 * pays for more than one walk over the maps. The SQLite store uses the same interval.
 */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

// Records are copied field by field, on the way in and on the way out: a caller can neither change
// stored state through an object it kept or was given, nor smuggle extra properties into the store
// (the SQLite store would drop them, and both stores must answer alike).
const copyUser = (u: UserRecord): UserRecord => ({
  id: u.id,
  email: u.email,
  passwordHash: u.passwordHash,
  createdAt: u.createdAt,
});

const copySession = (s: SessionRecord): SessionRecord => ({
  idHash: s.idHash,
  userId: s.userId,
  createdAt: s.createdAt,
  lastSeenAt: s.lastSeenAt,
  idleExpiresAt: s.idleExpiresAt,
  absoluteExpiresAt: s.absoluteExpiresAt,
  remember: s.remember,
});

const copyToken = (t: TokenRecord): TokenRecord => ({
  id: t.id,
  secretHash: t.secretHash,
  userId: t.userId,
  name: t.name,
  kind: t.kind,
  abilities: [...t.abilities],
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
  familyId: t.familyId,
});

const copyRefresh = (r: RefreshTokenRecord): RefreshTokenRecord => ({
  hash: r.hash,
  familyId: r.familyId,
  userId: r.userId,
  accessTokenId: r.accessTokenId,
  name: r.name,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  usedAt: r.usedAt,
});

const sessionLive = (s: SessionRecord, now: number): boolean =>
  now < s.idleExpiresAt && now < s.absoluteExpiresAt;
const tokenLive = (t: TokenRecord, now: number): boolean => t.expiresAt === null || now < t.expiresAt;

/**
 * A store in plain `Map`s, for tests and `crossauth serve --store memory:`. Everything is lost when the
 * process ends, and it cannot be shared between instances. Its answers match the SQLite store's exactly
 * (same conflicts, same ordering, same expiry rules), so tests written against it hold for production.
 */
export function memoryStore(): Store {
  const users = new Map<string, UserRecord>();
  const userIdByEmail = new Map<string, string>();
  const sessions = new Map<string, SessionRecord>();
  // Map iteration follows insertion order, which is what breaks createdAt ties in listTokens (the
  // SQLite store orders by rowid for the same reason).
  const tokens = new Map<string, TokenRecord>();
  const tokenIdByHash = new Map<string, string>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const counters = new Map<string, CounterState>();
  let lastPurgeAt = Number.NEGATIVE_INFINITY;

  const removeToken = (token: TokenRecord): void => {
    tokens.delete(token.id);
    tokenIdByHash.delete(token.secretHash);
  };

  const maybePurge = (now: number): void => {
    if (now < lastPurgeAt + PURGE_INTERVAL_MS) return;
    lastPurgeAt = now;
    for (const [key, s] of sessions) if (!sessionLive(s, now)) sessions.delete(key);
    for (const t of tokens.values()) if (!tokenLive(t, now)) removeToken(t);
    for (const [key, r] of refreshTokens) if (now >= r.expiresAt) refreshTokens.delete(key);
    for (const [key, c] of counters) if (now >= c.resetAt) counters.delete(key);
  };

  return {
    async createUser(user) {
      if (userIdByEmail.has(user.email)) return false;
      if (users.has(user.id)) throw new Error(`crossauth memory store: user id ${user.id} already exists`);
      users.set(user.id, copyUser(user));
      userIdByEmail.set(user.email, user.id);
      return true;
    },

    async getUserById(id) {
      const user = users.get(id);
      return user ? copyUser(user) : null;
    },

    async getUserByEmail(email) {
      const id = userIdByEmail.get(email);
      const user = id === undefined ? undefined : users.get(id);
      return user ? copyUser(user) : null;
    },

    async updatePasswordHash(userId, passwordHash) {
      const user = users.get(userId);
      if (user) user.passwordHash = passwordHash;
    },

    async createSession(session) {
      if (sessions.has(session.idHash)) throw new Error('crossauth memory store: session already exists');
      maybePurge(session.createdAt);
      sessions.set(session.idHash, copySession(session));
    },

    async getSession(idHash, now) {
      const session = sessions.get(idHash);
      return session && sessionLive(session, now) ? copySession(session) : null;
    },

    async touchSession(idHash, lastSeenAt, idleExpiresAt) {
      const session = sessions.get(idHash);
      if (!session) return;
      session.lastSeenAt = lastSeenAt;
      session.idleExpiresAt = Math.min(idleExpiresAt, session.absoluteExpiresAt);
    },

    async deleteSession(idHash) {
      return sessions.delete(idHash);
    },

    async deleteUserSessions(userId, exceptIdHash) {
      let deleted = 0;
      for (const [key, s] of sessions) {
        if (s.userId === userId && key !== exceptIdHash) {
          sessions.delete(key);
          deleted++;
        }
      }
      return deleted;
    },

    async createToken(token) {
      if (tokens.has(token.id) || tokenIdByHash.has(token.secretHash)) {
        throw new Error('crossauth memory store: token already exists');
      }
      maybePurge(token.createdAt);
      tokens.set(token.id, copyToken(token));
      tokenIdByHash.set(token.secretHash, token.id);
    },

    async getTokenByHash(secretHash, now) {
      const id = tokenIdByHash.get(secretHash);
      const token = id === undefined ? undefined : tokens.get(id);
      return token && tokenLive(token, now) ? copyToken(token) : null;
    },

    async listTokens(userId, now) {
      const live = [...tokens.values()].filter((t) => t.userId === userId && tokenLive(t, now));
      // Array.prototype.sort is stable, so equal createdAt keep insertion order.
      return live.sort((a, b) => a.createdAt - b.createdAt).map(copyToken);
    },

    async touchToken(id, lastUsedAt) {
      const token = tokens.get(id);
      if (token) token.lastUsedAt = lastUsedAt;
    },

    async deleteToken(id, userId) {
      const token = tokens.get(id);
      if (!token || token.userId !== userId) return false;
      removeToken(token);
      return true;
    },

    async deleteUserTokens(userId) {
      for (const [key, r] of refreshTokens) if (r.userId === userId) refreshTokens.delete(key);
      let deleted = 0;
      for (const t of tokens.values()) {
        if (t.userId === userId) {
          removeToken(t);
          deleted++;
        }
      }
      return deleted;
    },

    async createRefreshToken(record) {
      if (refreshTokens.has(record.hash)) throw new Error('crossauth memory store: refresh token already exists');
      maybePurge(record.createdAt);
      refreshTokens.set(record.hash, copyRefresh(record));
    },

    async consumeRefreshToken(hash, now): Promise<RefreshConsumeResult> {
      const record = refreshTokens.get(hash);
      if (!record || now >= record.expiresAt) return { status: 'not_found' };
      if (record.usedAt !== null) return { status: 'reused', record: copyRefresh(record) };
      record.usedAt = now;
      return { status: 'consumed', record: copyRefresh(record) };
    },

    async deleteRefreshFamily(familyId) {
      for (const [key, r] of refreshTokens) if (r.familyId === familyId) refreshTokens.delete(key);
      for (const t of tokens.values()) if (t.familyId === familyId) removeToken(t);
    },

    async incrementCounter(key, windowMs, now) {
      maybePurge(now);
      const current = counters.get(key);
      const next: CounterState =
        current && now < current.resetAt
          ? { count: current.count + 1, resetAt: current.resetAt }
          : { count: 1, resetAt: now + windowMs };
      counters.set(key, next);
      return { ...next };
    },

    async getCounter(key, now) {
      const counter = counters.get(key);
      return counter && now < counter.resetAt ? { ...counter } : null;
    },

    async deleteCounter(key) {
      counters.delete(key);
    },

    async close() {},
  };
}
