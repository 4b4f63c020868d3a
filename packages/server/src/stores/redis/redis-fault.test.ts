import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardStore, StoreUnavailableError } from '../../store/guard.js';
import type { SessionRecord, Store } from '../../store/types.js';
import { eventually, redisServerBinary, rejectionTime, sleep, startPrivateRedis, type PrivateRedis } from '../../../test/support/faults.js';
import { redisStore } from './index.js';

// A Redis server of this test's own, on a spare port, so that stopping and restarting it never
// disturbs the shared service on 6379 that other tests use.

const GUARD_MS = 300;
/** How late past the guard's timeout a rejection may come on a loaded two-core machine. */
const SLACK_MS = 250;

const binary = redisServerBinary();
if (binary === null && process.env.CI === 'true') throw new Error('redis-server is not installed; CI=true requires it for the fault test.');
if (binary === null) console.warn('skipping the Redis fault test: redis-server is not installed');

describe.skipIf(binary === null)('redis store against a Redis that stops answering, then restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossauth-redis-fault-'));
  let server: PrivateRedis;
  let client: Redis;
  let store: Store;
  const now = Date.now();
  const session: SessionRecord = {
    idHash: 'f'.repeat(64), userId: 'user_fault', createdAt: now, lastSeenAt: now,
    idleExpiresAt: now + 3_600_000, absoluteExpiresAt: now + 7_200_000, remember: true,
  };

  beforeAll(async () => {
    server = await startPrivateRedis(binary!, dir);
    const port = server.port;
    // As the README tells users to create it: fail fast while offline, bounded commands, quick reconnects.
    client = new Redis({
      port, host: '127.0.0.1', enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    client.on('error', () => {});
    await eventually(() => client.ping(), 5000);
    store = guardStore(redisStore({ client, prefix: 'fault:' }), GUARD_MS);
    await store.createSession(session);
  });

  afterAll(async () => {
    client?.disconnect();
    // Whatever happened above: a stopped process is resumed, then ended, and its directory removed.
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects every operation with StoreUnavailableError within the timeout while Redis is frozen (SIGSTOP)', async () => {
    server.freeze();
    try {
      const results = await Promise.all([
        rejectionTime(() => store.getSession(session.idHash, Date.now())),
        rejectionTime(() => store.incrementCounter('login:frozen', 60_000, Date.now())),
        rejectionTime(() => store.consumeRefreshToken('0'.repeat(64), Date.now())),
        rejectionTime(() => store.deleteUserSessions('someone-else')),
      ]);
      for (const { error, ms } of results) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(ms).toBeGreaterThanOrEqual(GUARD_MS - 5);
        expect(ms).toBeLessThan(GUARD_MS + SLACK_MS);
      }
      // Still frozen a second later: each new request fails just as fast, none waits for the others.
      await sleep(1000);
      const again = await rejectionTime(() => store.getSession(session.idHash, Date.now()));
      expect(again.error).toBeInstanceOf(StoreUnavailableError);
      expect(again.ms).toBeLessThan(GUARD_MS + SLACK_MS);
    } finally {
      server.resume();
    }
  });

  it('answers correctly by itself once Redis resumes (SIGCONT), with the session stored before intact', async () => {
    const { value, afterMs } = await eventually(() => store.getSession(session.idHash, Date.now()), 3000);
    expect(value).toEqual(session);
    expect(afterMs).toBeLessThan(1000);
    // The counter increment sent while frozen reached Redis after all: it ran once, late, not twice.
    expect((await store.getCounter('login:frozen', Date.now()))?.count).toBe(1);
  });

  it('fails fast while Redis is down, and keeps the session across a restart on its append-only file', async () => {
    await server.stop();
    const down = await rejectionTime(() => store.getSession(session.idHash, Date.now()));
    expect(down.error).toBeInstanceOf(StoreUnavailableError);
    expect(down.ms).toBeLessThan(GUARD_MS + SLACK_MS);

    await server.start();
    // The client reconnects on its own; the restarted server forgot the scripts, which ioredis reloads
    // (EVALSHA → NOSCRIPT → EVAL) without the store's help.
    const { value } = await eventually(() => store.getSession(session.idHash, Date.now()), 5000);
    expect(value).toEqual(session);
    await store.touchSession(session.idHash, now + 1000, now + 3_601_000);
    expect(await store.getSession(session.idHash, now + 1000)).toEqual({ ...session, lastSeenAt: now + 1000, idleExpiresAt: now + 3_601_000 });
    expect((await store.incrementCounter('login:frozen', 60_000, Date.now())).count).toBe(2);
  });
});
