/**
 * The Lua scripts of the Redis store. A script runs atomically (Redis executes nothing else meanwhile),
 * which is what makes a unique email, a refresh spend, a fixed-window increment and a "delete all of a
 * user's X" single indivisible steps even with several API instances on one Redis.
 *
 * Every script gets the full key prefix as `ARGV[1]` and derives its keys from it and from index
 * members, so keys are not all declared in `KEYS`: that is fine on one Redis primary (with replicas or
 * Sentinel) and the reason Redis Cluster is not supported (see the README).
 *
 * Keys, with P the prefix:
 * - `P user:<id>` hash; `P email:<email>` string → user id (the unique email, taken with `SET NX`).
 * - `P session:<idHash>` hash, expiring at min(idle, absolute deadline).
 * - `P token:<id>` hash; `P token-hash:<secretHash>` string → token id; both expiring at `expiresAt`.
 * - `P refresh:<hash>` hash, expiring at `expiresAt`.
 * - `P counter:<key>` hash {count, resetAt}, expiring at `resetAt`.
 * - Indexes, sorted sets scored by the member's last possible instant (`+inf`: never expires):
 *   `P user-sessions:<userId>`, `P user-tokens:<userId>`, `P user-refresh:<userId>`,
 *   `P family-tokens:<familyId>`, `P family-refresh:<familyId>`. Each expires with its longest-lived member.
 *
 * Times travel as decimal strings and are compared with `tonumber` (epoch milliseconds are exact in a
 * Lua double); they are stored as the strings received, never re-formatted by Lua, whose `%.14g`
 * number-to-string conversion would be one digit away from rounding them.
 */

const PRELUDE = `
local P = ARGV[1]

-- Gives an index the expiry of its longest-lived member, or none if one never expires.
local function fitExpiry(index)
  local top = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  if #top == 0 then return end
  if top[2] == 'inf' or top[2] == '+inf' then
    redis.call('PERSIST', index)
  else
    redis.call('PEXPIREAT', index, top[2])
  end
end

-- Adds a member to an index. Members whose deadline passed by the caller's clock are candidates for
-- removal, but only dropped once their record is really gone from Redis, so a skewed clock on one
-- instance can never hide a live record from "delete all of this user's".
local function indexAdd(index, member, score, recordPrefix, now)
  local stale = redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, 100)
  for _, m in ipairs(stale) do
    if redis.call('EXISTS', recordPrefix .. m) == 0 then redis.call('ZREM', index, m) end
  end
  redis.call('ZADD', index, score, member)
  fitExpiry(index)
end

local function removeToken(id, userId, secretHash, familyId)
  redis.call('DEL', P .. 'token:' .. id, P .. 'token-hash:' .. secretHash)
  redis.call('ZREM', P .. 'user-tokens:' .. userId, id)
  if familyId and familyId ~= '' then redis.call('ZREM', P .. 'family-tokens:' .. familyId, id) end
end
`;

/** Name → Lua body; the prelude is prepended to each. */
const BODIES = {
  // ARGV: P, id, email, passwordHash, createdAt → 1 created, 0 email taken.
  createUser: `
    local emailKey = P .. 'email:' .. ARGV[3]
    if not redis.call('SET', emailKey, ARGV[2], 'NX') then return 0 end
    local userKey = P .. 'user:' .. ARGV[2]
    if redis.call('EXISTS', userKey) == 1 then
      redis.call('DEL', emailKey)
      return redis.error_reply('crossauth redis store: user id ' .. ARGV[2] .. ' already exists')
    end
    redis.call('HSET', userKey, 'id', ARGV[2], 'email', ARGV[3], 'passwordHash', ARGV[4], 'createdAt', ARGV[5])
    return 1`,

  // ARGV: P, email → the user hash as a flat array, or nil.
  getUserByEmail: `
    local id = redis.call('GET', P .. 'email:' .. ARGV[2])
    if not id then return nil end
    return redis.call('HGETALL', P .. 'user:' .. id)`,

  // ARGV: P, userId, passwordHash. Never creates a user.
  updatePasswordHash: `
    local key = P .. 'user:' .. ARGV[2]
    if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'passwordHash', ARGV[3]) end
    return 0`,

  // ARGV: P, idHash, userId, createdAt, lastSeenAt, idleExpiresAt, absoluteExpiresAt, remember.
  createSession: `
    local key = P .. 'session:' .. ARGV[2]
    if redis.call('EXISTS', key) == 1 then return redis.error_reply('crossauth redis store: session already exists') end
    redis.call('HSET', key, 'userId', ARGV[3], 'createdAt', ARGV[4], 'lastSeenAt', ARGV[5],
      'idleExpiresAt', ARGV[6], 'absoluteExpiresAt', ARGV[7], 'remember', ARGV[8])
    local deadline = ARGV[6]
    if tonumber(ARGV[7]) < tonumber(deadline) then deadline = ARGV[7] end
    redis.call('PEXPIREAT', key, deadline)
    indexAdd(P .. 'user-sessions:' .. ARGV[3], ARGV[2], ARGV[7], P .. 'session:', ARGV[4])
    return 1`,

  // ARGV: P, idHash, lastSeenAt, idleExpiresAt. The idle deadline is clamped to the absolute one.
  touchSession: `
    local key = P .. 'session:' .. ARGV[2]
    local absolute = redis.call('HGET', key, 'absoluteExpiresAt')
    if not absolute then return 0 end
    local idle = ARGV[4]
    if tonumber(absolute) < tonumber(idle) then idle = absolute end
    redis.call('HSET', key, 'lastSeenAt', ARGV[3], 'idleExpiresAt', idle)
    redis.call('PEXPIREAT', key, idle)
    return 1`,

  // ARGV: P, idHash → 1 deleted, 0 unknown.
  deleteSession: `
    local key = P .. 'session:' .. ARGV[2]
    local userId = redis.call('HGET', key, 'userId')
    if not userId then return 0 end
    redis.call('ZREM', P .. 'user-sessions:' .. userId, ARGV[2])
    return redis.call('DEL', key)`,

  // ARGV: P, userId, hasExcept ('1'/'0'), exceptIdHash → how many sessions went.
  deleteUserSessions: `
    local index = P .. 'user-sessions:' .. ARGV[2]
    local deleted = 0
    for _, idHash in ipairs(redis.call('ZRANGE', index, 0, -1)) do
      if ARGV[3] ~= '1' or idHash ~= ARGV[4] then
        deleted = deleted + redis.call('DEL', P .. 'session:' .. idHash)
        redis.call('ZREM', index, idHash)
      end
    end
    return deleted`,

  // ARGV: P, id, secretHash, userId, name, kind, abilities (JSON), createdAt, expiresAt|'', lastUsedAt|'', familyId|''.
  createToken: `
    local key = P .. 'token:' .. ARGV[2]
    local byHash = P .. 'token-hash:' .. ARGV[3]
    if redis.call('EXISTS', key) == 1 or redis.call('EXISTS', byHash) == 1 then
      return redis.error_reply('crossauth redis store: token already exists')
    end
    -- A global sequence breaks createdAt ties in insertion order, as SQLite's rowid does.
    local seq = tostring(redis.call('INCR', P .. 'token-seq'))
    redis.call('HSET', key, 'id', ARGV[2], 'secretHash', ARGV[3], 'userId', ARGV[4], 'name', ARGV[5],
      'kind', ARGV[6], 'abilities', ARGV[7], 'createdAt', ARGV[8], 'expiresAt', ARGV[9],
      'lastUsedAt', ARGV[10], 'familyId', ARGV[11], 'seq', seq)
    redis.call('SET', byHash, ARGV[2])
    local score = '+inf'
    if ARGV[9] ~= '' then
      score = ARGV[9]
      redis.call('PEXPIREAT', key, ARGV[9])
      redis.call('PEXPIREAT', byHash, ARGV[9])
    end
    indexAdd(P .. 'user-tokens:' .. ARGV[4], ARGV[2], score, P .. 'token:', ARGV[8])
    if ARGV[11] ~= '' then indexAdd(P .. 'family-tokens:' .. ARGV[11], ARGV[2], score, P .. 'token:', ARGV[8]) end
    return 1`,

  // ARGV: P, secretHash → the token hash as a flat array, or nil.
  getTokenByHash: `
    local id = redis.call('GET', P .. 'token-hash:' .. ARGV[2])
    if not id then return nil end
    return redis.call('HGETALL', P .. 'token:' .. id)`,

  // ARGV: P, userId → flat arrays of every indexed token that still exists.
  listTokens: `
    local out = {}
    for _, id in ipairs(redis.call('ZRANGE', P .. 'user-tokens:' .. ARGV[2], 0, -1)) do
      local token = redis.call('HGETALL', P .. 'token:' .. id)
      if #token > 0 then out[#out + 1] = token end
    end
    return out`,

  // ARGV: P, id, lastUsedAt. Never creates a token.
  touchToken: `
    local key = P .. 'token:' .. ARGV[2]
    if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'lastUsedAt', ARGV[3]) end
    return 0`,

  // ARGV: P, id, userId → 1 revoked, 0 unknown or someone else's.
  deleteToken: `
    local t = redis.call('HMGET', P .. 'token:' .. ARGV[2], 'userId', 'secretHash', 'familyId')
    if not t[1] or t[1] ~= ARGV[3] then return 0 end
    removeToken(ARGV[2], t[1], t[2], t[3])
    return 1`,

  // ARGV: P, userId → how many tokens went; the user's refresh tokens go too.
  deleteUserTokens: `
    local deleted = 0
    local tokens = P .. 'user-tokens:' .. ARGV[2]
    for _, id in ipairs(redis.call('ZRANGE', tokens, 0, -1)) do
      local t = redis.call('HMGET', P .. 'token:' .. id, 'secretHash', 'familyId')
      if t[1] then
        removeToken(id, ARGV[2], t[1], t[2])
        deleted = deleted + 1
      end
    end
    local refresh = P .. 'user-refresh:' .. ARGV[2]
    for _, hash in ipairs(redis.call('ZRANGE', refresh, 0, -1)) do
      local familyId = redis.call('HGET', P .. 'refresh:' .. hash, 'familyId')
      redis.call('DEL', P .. 'refresh:' .. hash)
      if familyId then redis.call('ZREM', P .. 'family-refresh:' .. familyId, hash) end
    end
    redis.call('DEL', tokens, refresh)
    return deleted`,

  // ARGV: P, hash, familyId, userId, accessTokenId, name, createdAt, expiresAt, usedAt|''.
  createRefreshToken: `
    local key = P .. 'refresh:' .. ARGV[2]
    if redis.call('EXISTS', key) == 1 then return redis.error_reply('crossauth redis store: refresh token already exists') end
    redis.call('HSET', key, 'familyId', ARGV[3], 'userId', ARGV[4], 'accessTokenId', ARGV[5], 'name', ARGV[6],
      'createdAt', ARGV[7], 'expiresAt', ARGV[8], 'usedAt', ARGV[9])
    redis.call('PEXPIREAT', key, ARGV[8])
    indexAdd(P .. 'user-refresh:' .. ARGV[4], ARGV[2], ARGV[8], P .. 'refresh:', ARGV[7])
    indexAdd(P .. 'family-refresh:' .. ARGV[3], ARGV[2], ARGV[8], P .. 'refresh:', ARGV[7])
    return 1`,

  // ARGV: P, hash, now → {'consumed'|'reused', record} or {'not_found'}.
  consumeRefreshToken: `
    local key = P .. 'refresh:' .. ARGV[2]
    local r = redis.call('HMGET', key, 'expiresAt', 'usedAt')
    if not r[1] or tonumber(ARGV[3]) >= tonumber(r[1]) then return {'not_found'} end
    if r[2] ~= '' then return {'reused', redis.call('HGETALL', key)} end
    redis.call('HSET', key, 'usedAt', ARGV[3])
    return {'consumed', redis.call('HGETALL', key)}`,

  // ARGV: P, familyId. Revokes the family's refresh tokens and access tokens.
  deleteRefreshFamily: `
    local refresh = P .. 'family-refresh:' .. ARGV[2]
    for _, hash in ipairs(redis.call('ZRANGE', refresh, 0, -1)) do
      local userId = redis.call('HGET', P .. 'refresh:' .. hash, 'userId')
      redis.call('DEL', P .. 'refresh:' .. hash)
      if userId then redis.call('ZREM', P .. 'user-refresh:' .. userId, hash) end
    end
    local tokens = P .. 'family-tokens:' .. ARGV[2]
    for _, id in ipairs(redis.call('ZRANGE', tokens, 0, -1)) do
      local t = redis.call('HMGET', P .. 'token:' .. id, 'userId', 'secretHash')
      if t[1] then removeToken(id, t[1], t[2], ARGV[2]) end
    end
    redis.call('DEL', refresh, tokens)
    return 0`,

  // ARGV: P, key, now, resetAt of a new window (now + windowMs) → {count, resetAt}.
  incrementCounter: `
    local key = P .. 'counter:' .. ARGV[2]
    local resetAt = redis.call('HGET', key, 'resetAt')
    if resetAt and tonumber(ARGV[3]) < tonumber(resetAt) then
      return {redis.call('HINCRBY', key, 'count', 1), resetAt}
    end
    redis.call('HSET', key, 'count', '1', 'resetAt', ARGV[4])
    redis.call('PEXPIREAT', key, ARGV[4])
    return {1, ARGV[4]}`,
} as const;

export type ScriptName = keyof typeof BODIES;

/**
 * The method name a script is registered under on the user's client. The version keeps two copies of
 * crossauth in one process (two dependencies on different releases) that share a client from replacing
 * each other's scripts: bump it whenever a script or the key layout changes.
 */
export const scriptCommand = (name: ScriptName): string => `crossauth_v1_${name}`;

/** Full source of every script, with the method name it is registered under. */
export const SCRIPTS: ReadonlyArray<{ command: string; lua: string }> = (Object.keys(BODIES) as ScriptName[]).map((name) => ({
  command: scriptCommand(name),
  lua: PRELUDE + BODIES[name],
}));
