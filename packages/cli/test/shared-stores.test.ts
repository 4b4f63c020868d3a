import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisReachable } from '../../server/test/support/faults.js';
import { Client, send, startTestServer, uniqueEmail } from './harness.js';

// Two reference servers sharing one Redis or one PostgreSQL, as two instances behind a load balancer
// would: a session, a bearer token, a logout and the login throttle all hold across them. Each suite
// runs twice: two servers in this process, and two `crossauth serve` processes.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A database index of its own on the shared Redis, emptied of crossauth keys afterwards. */
const REDIS_DB = 15;

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

beforeAll(() => {
  // The process suites run the built CLI: build it (incrementally) so they never run a stale one.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'packages/cli')], { stdio: 'inherit' });
}, 120_000);

const reachable = { redis: await redisReachable(REDIS_URL), postgres: await postgresReachable() };
for (const [name, up] of Object.entries(reachable)) {
  if (!up && process.env.CI === 'true') throw new Error(`${name} is unreachable; CI=true requires it.`);
  if (!up) console.warn(`skipping the two-instance tests on ${name}: it is unreachable`);
}

interface Instance {
  url: string;
  close(): Promise<unknown>;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SECRET = randomBytes(48).toString('base64url');

/** `crossauth serve` as its own process on the shared store, resolved once its banner names the port. */
function serveProcess(store: string): Promise<Instance> {
  const child = spawn(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'serve', '--port', '0', '--store', store, '--origin', 'https://app.example.com'], {
    env: { PATH: process.env.PATH, CROSSAUTH_SECRET: SECRET },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner from crossauth serve: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!.replace('localhost', '127.0.0.1'),
        close: () => new Promise((done) => (child.exitCode !== null ? done(undefined) : (child.once('exit', done), child.kill('SIGTERM')))),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`crossauth serve exited ${code}: ${output}`)));
  });
}

const inProcess = (store: string): Promise<Instance> => startTestServer({ store });

/** Copies the browser state of one client to another pointed at the other instance. */
function sameBrowser(from: Client, baseUrl: string): Client {
  const twin = new Client(baseUrl);
  for (const [name, value] of from.jar) twin.jar.set(name, value);
  twin.csrfToken = from.csrfToken;
  return twin;
}

function twoInstanceSuite(name: string, storeUrl: () => string, start: (store: string) => Promise<Instance>): void {
  let first: Instance;
  let second: Instance;
  beforeAll(async () => {
    first = await start(storeUrl());
    second = await start(storeUrl());
  }, 60_000);
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
  describe('in one process', () => twoInstanceSuite('Redis', () => url.toString(), inProcess));
  describe('as two crossauth serve processes', () => twoInstanceSuite('Redis', () => url.toString(), serveProcess));
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
  describe('in one process', () => twoInstanceSuite('PostgreSQL', () => url.toString(), inProcess));
  describe('as two crossauth serve processes', () => twoInstanceSuite('PostgreSQL', () => url.toString(), serveProcess));
});
