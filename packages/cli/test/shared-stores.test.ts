import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, send, startTestServer, uniqueEmail, type TestServer } from './harness.js';

// Two reference servers in one process sharing one Redis or one PostgreSQL, as two instances behind a
// load balancer would: a session, a bearer token, a logout and the login throttle all hold across them.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A database index of its own on the shared Redis, emptied of crossauth keys afterwards. */
const REDIS_DB = 15;

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000, enableOfflineQueue: false });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function postgresReachable(): Promise<boolean> {
  const probe = new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1000, max: 1 });
  try {
    await probe.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await probe.end();
  }
}

const reachable = { redis: await redisReachable(), postgres: await postgresReachable() };
for (const [name, up] of Object.entries(reachable)) {
  if (!up && process.env.CI === 'true') throw new Error(`${name} is unreachable; CI=true requires it.`);
  if (!up) console.warn(`skipping the two-instance tests on ${name}: it is unreachable`);
}

/** Copies the browser state of one client to another pointed at the other instance. */
function sameBrowser(from: Client, baseUrl: string): Client {
  const twin = new Client(baseUrl);
  for (const [name, value] of from.jar) twin.jar.set(name, value);
  twin.csrfToken = from.csrfToken;
  return twin;
}

function twoInstanceSuite(name: string, storeUrl: () => string): void {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ store: storeUrl() });
    second = await startTestServer({ store: storeUrl() });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it(`carries a session and its notes from one instance to the other on ${name}`, async () => {
    const browser = new Client(first.url);
    const email = uniqueEmail('shared');
    expect((await browser.signup(email)).status).toBe(201);
    expect((await browser.request('/api/notes', { json: { text: 'written on the first' } })).status).toBe(201);

    const onSecond = sameBrowser(browser, second.url);
    expect((await onSecond.request('/auth/me')).json.user.email).toBe(email);
    const notes = await onSecond.request('/api/notes');
    expect(notes.json.notes.map((note: { text: string }) => note.text)).toEqual(['written on the first']);
  });

  it(`accepts a bearer token minted by one instance on the other on ${name}`, async () => {
    const email = uniqueEmail('bearer');
    expect((await new Client(first.url).signup(email)).status).toBe(201);
    const minted = await send(first.url, '/auth/token', { json: { email, password: 'correct horse battery', name: 'phone' } });
    expect(minted.status).toBe(201);
    const used = await send(second.url, '/api/notes', { headers: { Authorization: `Bearer ${minted.json.token}` } });
    expect(used.status).toBe(200);
  });

  it(`refuses the old cookie on the first instance at once after a logout through the second on ${name}`, async () => {
    const browser = new Client(first.url);
    expect((await browser.signup(uniqueEmail('logout'))).status).toBe(201);
    const stale = new Map(browser.jar);
    const onSecond = sameBrowser(browser, second.url);
    expect((await onSecond.request('/auth/logout', { method: 'POST' })).status).toBe(204);

    const replay = new Client(first.url);
    for (const [cookie, value] of stale) replay.jar.set(cookie, value);
    expect((await replay.request('/auth/me')).status).toBe(401);
  });

  it(`counts failed logins made against both instances towards one limit on ${name}`, async () => {
    const email = uniqueEmail('throttle');
    expect((await new Client(first.url).signup(email)).status).toBe(201);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const client = new Client(attempt % 2 === 0 ? first.url : second.url);
      statuses.push((await client.login(email, 'wrong password, attempt ' + attempt)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await new Client(second.url).login(email)).status).toBe(429);
  });
}

describe.skipIf(!reachable.redis)('two reference servers on one Redis', () => {
  const url = new URL(REDIS_URL);
  url.pathname = `/${REDIS_DB}`;
  afterAll(async () => {
    const client = new Redis(url.toString());
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', 'crossauth:*', 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    client.disconnect();
  });
  twoInstanceSuite('Redis', () => url.toString());
});

describe.skipIf(!reachable.postgres)('two reference servers on one PostgreSQL database', () => {
  const database = `crossauth_cli_${randomBytes(6).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  beforeAll(async () => {
    await admin.query(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  twoInstanceSuite('PostgreSQL', () => url.toString());
});
