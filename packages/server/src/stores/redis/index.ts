import type { Redis } from 'ioredis';
import type { CounterState, RefreshConsumeResult, Store, TokenRecord } from '../../store/types.js';
import { decodeRefresh, decodeSession, decodeToken, decodeUser, encodeNullable, fromPairs } from './records.js';
import { SCRIPTS, type ScriptName, scriptCommand } from './scripts.js';

// Why ioredis rather than node-redis: `defineCommand` registers a Lua script once and then runs it by
// EVALSHA, falling back to EVAL by itself after a Redis restart flushed the script cache (NOSCRIPT);
// `commandTimeout`, which rejects a command that got no answer in time; and
// `enableOfflineQueue: false`, which rejects commands at once while disconnected instead of queueing
// them to run minutes later. Together they give the bounded, fail-fast behaviour that turns an outage
// into 503 `store_unavailable` rather than hung requests.

export interface RedisStoreOptions {
  /**
   * An ioredis client you created, connected to one Redis primary (5 or newer, tested with 7.0; Redis
   * Cluster is not supported: the scripts derive keys from index members). Create it with
   * `enableOfflineQueue: false` and a `commandTimeout` (for example 1000 ms); the store warns otherwise.
   * `close()` never quits it.
   */
  client: Redis;
  /** Prefix of every key the store writes, after the client's own `keyPrefix`. Default `'crossauth:'`. */
  prefix?: string;
  /** Receives the configuration warnings about the client. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

type ScriptRunner = Record<string, (...args: (string | number)[]) => Promise<unknown>>;

/**
 * The store for several API instances sharing one Redis. Every record carries a Redis expiry at its
 * last valid instant (`PEXPIREAT`), so nothing needs sweeping; the `now` passed to each read still
 * decides validity, exactly as in the SQLite and memory stores. Operations touching several keys run as
 * one Lua script each (see `scripts.ts`), so they are atomic across instances.
 */
export function redisStore(options: RedisStoreOptions): Store {
  const { client, prefix = 'crossauth:' } = options;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  if ((client as { isCluster?: boolean }).isCluster === true) {
    throw new Error(
      'crossauth redis store: Redis Cluster is not supported (its scripts read keys across hash slots). Use one primary, with replicas or Sentinel for failover.',
    );
  }
  const clientOptions = client.options ?? {};
  if (clientOptions.enableOfflineQueue !== false) {
    warn(
      'crossauth redis store: create the ioredis client with `enableOfflineQueue: false`; otherwise commands issued while Redis is unreachable queue up and run late, long after their request answered 503.',
    );
  }
  if (!(typeof clientOptions.commandTimeout === 'number' && clientOptions.commandTimeout > 0)) {
    warn(
      'crossauth redis store: create the ioredis client with a `commandTimeout` (for example 1000 ms); otherwise a Redis that stops answering leaves commands pending forever.',
    );
  }

  // Plain commands get the client's `keyPrefix` added by ioredis; keys built inside a script do not, so
  // the scripts are handed both prefixes together.
  const scriptPrefix = (clientOptions.keyPrefix ?? '') + prefix;
  // Registering the same script again (a second store on one client) only replaces it with itself.
  for (const script of SCRIPTS) client.defineCommand(script.command, { numberOfKeys: 0, lua: script.lua });
  const run = (name: ScriptName, ...args: (string | number)[]): Promise<unknown> =>
    (client as unknown as ScriptRunner)[scriptCommand(name)]!(scriptPrefix, ...args);

  return {
    async createUser(user) {
      return (await run('createUser', user.id, user.email, user.passwordHash, user.createdAt)) === 1;
    },

    async getUserById(id) {
      return decodeUser(await client.hgetall(`${prefix}user:${id}`));
    },

    async getUserByEmail(email) {
      return decodeUser(fromPairs(await run('getUserByEmail', email)));
    },

    async updatePasswordHash(userId, passwordHash) {
      await run('updatePasswordHash', userId, passwordHash);
    },

    async createSession(s) {
      await run(
        'createSession',
        s.idHash, s.userId, s.createdAt, s.lastSeenAt, s.idleExpiresAt, s.absoluteExpiresAt, s.remember ? '1' : '0',
      );
    },

    async getSession(idHash, now) {
      const session = decodeSession(idHash, await client.hgetall(`${prefix}session:${idHash}`));
      if (session === null || now >= session.idleExpiresAt || now >= session.absoluteExpiresAt) return null;
      return session;
    },

    async touchSession(idHash, lastSeenAt, idleExpiresAt) {
      await run('touchSession', idHash, lastSeenAt, idleExpiresAt);
    },

    async deleteSession(idHash) {
      return (await run('deleteSession', idHash)) === 1;
    },

    async deleteUserSessions(userId, exceptIdHash) {
      return Number(await run('deleteUserSessions', userId, exceptIdHash === undefined ? '0' : '1', exceptIdHash ?? ''));
    },

    async createToken(t) {
      await run(
        'createToken',
        t.id, t.secretHash, t.userId, t.name, t.kind, JSON.stringify(t.abilities), t.createdAt,
        encodeNullable(t.expiresAt), encodeNullable(t.lastUsedAt), encodeNullable(t.familyId),
      );
    },

    async getTokenByHash(secretHash, now) {
      const decoded = decodeToken(fromPairs(await run('getTokenByHash', secretHash)));
      if (decoded === null || decoded.token.secretHash !== secretHash) return null;
      return live(decoded.token, now) ? decoded.token : null;
    },

    async listTokens(userId, now) {
      const rows = (await run('listTokens', userId)) as unknown[];
      const decoded: { token: TokenRecord; seq: number }[] = [];
      for (const row of rows) {
        const entry = decodeToken(fromPairs(row));
        if (entry !== null && entry.token.userId === userId && live(entry.token, now)) decoded.push(entry);
      }
      decoded.sort((a, b) => a.token.createdAt - b.token.createdAt || a.seq - b.seq);
      return decoded.map((entry) => entry.token);
    },

    async touchToken(id, lastUsedAt) {
      await run('touchToken', id, lastUsedAt);
    },

    async deleteToken(id, userId) {
      return (await run('deleteToken', id, userId)) === 1;
    },

    async deleteUserTokens(userId) {
      return Number(await run('deleteUserTokens', userId));
    },

    async createRefreshToken(r) {
      await run(
        'createRefreshToken',
        r.hash, r.familyId, r.userId, r.accessTokenId, r.name, r.createdAt, r.expiresAt, encodeNullable(r.usedAt),
      );
    },

    async consumeRefreshToken(hash, now): Promise<RefreshConsumeResult> {
      const [status, pairs] = (await run('consumeRefreshToken', hash, now)) as [string, unknown?];
      const record = decodeRefresh(hash, fromPairs(pairs));
      if ((status === 'consumed' || status === 'reused') && record !== null) return { status, record };
      return { status: 'not_found' };
    },

    async deleteRefreshFamily(familyId) {
      await run('deleteRefreshFamily', familyId);
    },

    async incrementCounter(key, windowMs, now): Promise<CounterState> {
      const [count, resetAt] = (await run('incrementCounter', key, now, now + windowMs)) as [number, string];
      return { count: Number(count), resetAt: Number(resetAt) };
    },

    async getCounter(key, now) {
      const [count, resetAt] = await client.hmget(`${prefix}counter:${key}`, 'count', 'resetAt');
      if (count == null || resetAt == null || now >= Number(resetAt)) return null;
      return { count: Number(count), resetAt: Number(resetAt) };
    },

    async deleteCounter(key) {
      await client.del(`${prefix}counter:${key}`);
    },

    // The client belongs to the caller, who may share it with the rest of the application.
    async close() {},
  };
}

const live = (token: TokenRecord, now: number): boolean => token.expiresAt === null || now < token.expiresAt;
export { redisInvalidation, type RedisInvalidationOptions } from './invalidation.js';
