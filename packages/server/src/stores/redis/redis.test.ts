import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../../testing/index.js';
import { redisStore } from './index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `crossauth-test:${randomUUID()}:`;

/** A client configured as the README tells users to: fail fast while offline, bounded commands. */
const newClient = (extra: RedisOptions = {}): Redis =>
  new Redis(REDIS_URL, { enableOfflineQueue: false, commandTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: true, ...extra });

async function unreachableReason(): Promise<string | null> {
  const probe = newClient({ retryStrategy: () => null, connectTimeout: 1000 });
  // The socket's error (ECONNREFUSED, …) says more than the "Connection is closed." that connect() rejects with.
  let socketError: unknown;
  probe.on('error', (error: unknown) => (socketError = error));
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (error) {
    const cause = socketError ?? error;
    return `Redis at ${REDIS_URL} is unreachable (${cause instanceof Error ? cause.message : String(cause)})`;
  } finally {
    probe.disconnect();
  }
}

const reason = await unreachableReason();
if (reason !== null && process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it.`);
if (reason !== null) console.warn(`skipping the Redis store tests: ${reason}`);

const clients: Redis[] = [];
async function connected(extra: RedisOptions = {}): Promise<Redis> {
  const client = newClient(extra);
  clients.push(client);
  await client.connect();
  return client;
}

/** Deletes every key this run wrote, whatever prefix layer put it there. */
async function deleteRunKeys(): Promise<void> {
  const client = await connected();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `*${runPrefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

afterAll(async () => {
  if (reason !== null) return;
  await deleteRunKeys();
  for (const client of clients) client.disconnect();
});

if (reason === null) {
  describeStoreConformance('redis', async () => redisStore({ client: await connected(), prefix: `${runPrefix}a:` }));

  // ioredis adds its own `keyPrefix` to plain commands but not to keys built inside scripts; the store
  // must line both up.
  describeStoreConformance('redis, client with a keyPrefix', async () =>
    redisStore({ client: await connected({ keyPrefix: `${runPrefix}kp:` }), prefix: 'x:' }),
  );
}

describe.skipIf(reason !== null)('redis store with a client the user made', () => {
  it('warns about a client that queues commands while offline or has no command timeout', () => {
    const warnings: string[] = [];
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    clients.push(client);
    redisStore({ client, onWarning: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('enableOfflineQueue: false');
    expect(warnings[1]).toContain('commandTimeout');
  });

  it('says nothing about a client configured to fail fast', () => {
    const warnings: string[] = [];
    redisStore({ client: newClient(), onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([]);
  });

  it('refuses a Redis Cluster client at construction, naming the alternative', () => {
    const cluster = { isCluster: true, options: {} } as unknown as Redis;
    expect(() => redisStore({ client: cluster })).toThrow('Redis Cluster is not supported');
  });

  it('leaves the client it was given open on close', async () => {
    const client = await connected();
    const store = redisStore({ client, prefix: `${runPrefix}close:` });
    await store.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
  });

  it('gives each record a Redis expiry at its deadline and keeps secrets out of key names', async () => {
    const client = await connected();
    const prefix = `${runPrefix}ttl:`;
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const idHash = 'a'.repeat(64);
    await store.createSession({
      idHash, userId: 'u1', createdAt: now, lastSeenAt: now, idleExpiresAt: now + 60_000, absoluteExpiresAt: now + 120_000, remember: false,
    });
    await store.incrementCounter('login:x', 30_000, now);
    expect(await client.pexpiretime(`${prefix}session:${idHash}`)).toBe(now + 60_000);
    expect(await client.pexpiretime(`${prefix}user-sessions:u1`)).toBe(now + 120_000);
    expect(await client.pexpiretime(`${prefix}counter:login:x`)).toBe(now + 30_000);
    await store.touchSession(idHash, now + 1000, now + 500_000);
    expect(await client.pexpiretime(`${prefix}session:${idHash}`)).toBe(now + 120_000);
  });

  it('keeps a user index from growing with sessions that Redis already expired', async () => {
    const client = await connected();
    const prefix = `${runPrefix}prune:`;
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const session = (idHash: string, createdAt: number, lifetime: number) => ({
      idHash, userId: 'u1', createdAt, lastSeenAt: createdAt, idleExpiresAt: createdAt + lifetime, absoluteExpiresAt: createdAt + lifetime, remember: false,
    });
    await store.createSession(session('short', now, 50));
    await new Promise((resolve) => setTimeout(resolve, 120));
    await store.createSession(session('long', Date.now(), 60_000));
    expect(await client.zrange(`${prefix}user-sessions:u1`, 0, -1)).toEqual(['long']);
  });
});
