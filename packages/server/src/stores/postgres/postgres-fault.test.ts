import { randomBytes } from 'node:crypto';
import { type Server, type Socket, connect, createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardStore, StoreUnavailableError } from '../../store/guard.js';
import type { SessionRecord, Store } from '../../store/types.js';
import { eventually, rejectionTime, sparePort } from '../../../test/support/faults.js';
import { postgresStore } from './index.js';

// PostgreSQL faults without touching the shared server: the store talks to it through a TCP proxy of
// this test's own that can refuse connections, swallow traffic (a database that stops answering, as a
// SIGSTOP or a network partition looks from the client), and cut every connection (a restart).

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GUARD_MS = 300;
const SLACK_MS = 250;
const target = new URL(DATABASE_URL);

/** A proxy to the real database that can be started, frozen, thawed and cut. */
function faultProxy(port: number) {
  let server: Server | undefined;
  let frozen = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => (frozen ? held.push(() => to.write(chunk)) : to.write(chunk)));
    from.on('error', () => {});
    from.on('close', () => to.destroy());
    sockets.add(from);
    from.on('close', () => sockets.delete(from));
  };
  return {
    async start() {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        relay(client, upstream);
        relay(upstream, client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    freeze: () => (frozen = true),
    thaw() {
      frozen = false;
      for (const send of held.splice(0)) send();
    },
    cut: () => sockets.forEach((socket) => socket.destroy()),
    async stop() {
      sockets.forEach((socket) => socket.destroy());
      if (server) await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    },
  };
}

/** As the README tells users to create it: every wait bounded. */
const boundedPool = (port: number) =>
  new pg.Pool({
    host: '127.0.0.1', port, user: decodeURIComponent(target.username) || 'postgres', password: decodeURIComponent(target.password),
    database: target.pathname.slice(1) || 'postgres', connectionTimeoutMillis: 1000, query_timeout: 1000, statement_timeout: 1000, max: 4,
  });

const probe = new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1000, max: 1 });
const reachable = await probe.query('SELECT 1').then(() => true, () => false);
if (!reachable && process.env.CI === 'true') throw new Error(`PostgreSQL at ${DATABASE_URL} is unreachable; CI=true requires it.`);
if (!reachable) console.warn(`skipping the PostgreSQL fault tests: ${DATABASE_URL} is unreachable`);

describe('postgres store where nothing listens', () => {
  it('rejects with StoreUnavailableError at once instead of waiting', async () => {
    const pool = boundedPool(await sparePort());
    const store = guardStore(postgresStore({ pool, schema: 'crossauth_unreachable' }), GUARD_MS);
    const { error, ms } = await rejectionTime(() => store.getSession('0'.repeat(64), Date.now()));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(ms).toBeLessThan(GUARD_MS + SLACK_MS);
    await pool.end();
  });
});

describe.skipIf(!reachable)('postgres store behind a connection that freezes, is cut, and comes back', () => {
  const schema = `crossauth_fault_${randomBytes(6).toString('hex')}`;
  let port = 0;
  let proxy: ReturnType<typeof faultProxy>;
  let pool: pg.Pool;
  let store: Store;
  const now = Date.now();
  const session: SessionRecord = {
    idHash: 'e'.repeat(64), userId: 'user_fault', createdAt: now, lastSeenAt: now,
    idleExpiresAt: now + 3_600_000, absoluteExpiresAt: now + 7_200_000, remember: false,
  };

  beforeAll(async () => {
    port = await sparePort();
    proxy = faultProxy(port);
    pool = boundedPool(port);
    pool.on('error', () => {});
  });

  afterAll(async () => {
    await proxy.stop();
    await pool.end().catch(() => {});
    await probe.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await probe.end();
  });

  it('retries the schema setup by itself when the database was down at startup', async () => {
    const raw = postgresStore({ pool, schema });
    store = guardStore(raw, GUARD_MS);
    await expect(raw.ready).rejects.toThrow();
    const { error, ms } = await rejectionTime(() => store.createSession(session));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(ms).toBeLessThan(GUARD_MS + SLACK_MS);

    await proxy.start();
    await eventually(() => store.createSession(session), 5000);
    expect(await store.getSession(session.idHash, now)).toEqual(session);
  });

  it('rejects every operation within the timeout while the database does not answer', async () => {
    proxy.freeze();
    try {
      const results = await Promise.all([
        rejectionTime(() => store.getSession(session.idHash, Date.now())),
        rejectionTime(() => store.incrementCounter('login:frozen', 60_000, Date.now())),
        rejectionTime(() => store.deleteUserSessions('someone-else')),
      ]);
      for (const { error, ms } of results) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(ms).toBeLessThan(GUARD_MS + SLACK_MS);
      }
    } finally {
      proxy.thaw();
    }
  });

  it('answers correctly by itself once the database answers again, the session intact', async () => {
    expect((await eventually(() => store.getSession(session.idHash, now), 5000)).value).toEqual(session);
  });

  it('recovers by itself after every connection was cut, as by a server restart', async () => {
    proxy.cut();
    expect((await eventually(() => store.getSession(session.idHash, now), 5000)).value).toEqual(session);
  });
});
