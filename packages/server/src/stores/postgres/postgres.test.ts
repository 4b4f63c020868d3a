import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../../testing/index.js';
import { SCHEMA_VERSION, postgresStore } from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** One schema per run (and per use below), dropped afterwards, so runs never see each other's rows. */
const runSchema = `crossauth_test_${randomBytes(6).toString('hex')}`;

/** A pool configured as the README tells users to: every wait bounded. */
const newPool = (): pg.Pool =>
  new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000, query_timeout: 5000, statement_timeout: 5000, max: 5 });

async function unreachableReason(): Promise<string | null> {
  const probe = new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1000, max: 1 });
  try {
    await probe.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${DATABASE_URL} is unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await probe.end();
  }
}

const reason = await unreachableReason();
if (reason !== null && process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it.`);
if (reason !== null) console.warn(`skipping the PostgreSQL store tests: ${reason}`);

const pools: pg.Pool[] = [];
const schemas: string[] = [];
function pool(): pg.Pool {
  const made = newPool();
  pools.push(made);
  return made;
}
function schema(suffix: string): string {
  const name = `${runSchema}_${suffix}`;
  schemas.push(name);
  return name;
}

afterAll(async () => {
  if (reason !== null) return;
  const admin = pool();
  for (const name of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  for (const made of pools) await made.end();
});

if (reason === null) {
  describeStoreConformance('postgres', async () => {
    const store = postgresStore({ pool: pool(), schema: schema('conformance') });
    await store.ready;
    return store;
  });

  describeStoreConformance('postgres, custom table prefix, setup left to the first operation', () =>
    postgresStore({ pool: pool(), schema: schema('lazy'), tablePrefix: 'auth_' }),
  );
}

describe.skipIf(reason !== null)('postgres store schema setup', () => {
  it('records the schema version in its meta table', async () => {
    const db = pool();
    const name = schema('meta');
    await postgresStore({ pool: db, schema: name }).ready;
    const rows = await db.query(`SELECT key, value FROM "${name}".crossauth_meta`);
    expect(rows.rows).toEqual([{ key: 'schema_version', value: String(SCHEMA_VERSION) }]);
  });

  it('sets the schema up once when several processes start at the same time, and again changes nothing', async () => {
    const name = schema('race');
    // Separate pools, as separate processes would have: the advisory lock serialises them.
    const stores = Array.from({ length: 4 }, () => postgresStore({ pool: pool(), schema: name }));
    await Promise.all(stores.map((store) => store.ready));
    const now = Date.now();
    const user = { id: 'u1', email: 'race@example.com', passwordHash: 'h', createdAt: now };
    expect(await stores[0]!.createUser(user)).toBe(true);
    expect(await stores[3]!.getUserByEmail(user.email)).toEqual(user);

    const again = postgresStore({ pool: pool(), schema: name });
    await again.ready;
    expect(await again.getUserById('u1')).toEqual(user);
    const tables = await pool().query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [name]);
    expect(tables.rows[0]).toEqual({ n: 6 });
  });

  it('refuses a database whose schema is newer than this code, naming the versions', async () => {
    const db = pool();
    const name = schema('newer');
    await postgresStore({ pool: db, schema: name }).ready;
    await db.query(`UPDATE "${name}".crossauth_meta SET value = $1 WHERE key = 'schema_version'`, [String(SCHEMA_VERSION + 1)]);
    const store = postgresStore({ pool: db, schema: name });
    await expect(store.ready).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this crossauth`);
    await expect(store.getUserById('anyone')).rejects.toThrow('newer than this crossauth');
  });

  it('refuses a schema or table prefix that is not a plain identifier, at construction', () => {
    expect(() => postgresStore({ pool: pool(), schema: 'public"; DROP TABLE x; --' })).toThrow('must match');
    expect(() => postgresStore({ pool: pool(), tablePrefix: 'a-b' })).toThrow('letters, digits and _');
  });

  it('stores times as BIGINT milliseconds and only the hash of a session token', async () => {
    const db = pool();
    const name = schema('columns');
    const store = postgresStore({ pool: db, schema: name });
    const now = Date.now();
    const token = randomBytes(32).toString('base64url');
    const idHash = randomBytes(32).toString('hex');
    await store.createSession({
      idHash, userId: 'u1', createdAt: now, lastSeenAt: now, idleExpiresAt: now + 1000, absoluteExpiresAt: now + 2000, remember: true,
    });
    const columns = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'crossauth_sessions' ORDER BY ordinal_position`,
      [name],
    );
    expect(columns.rows.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'id_hash text', 'user_id text', 'created_at bigint', 'last_seen_at bigint', 'idle_expires_at bigint', 'absolute_expires_at bigint', 'remember boolean',
    ]);
    const dump = JSON.stringify((await db.query(`SELECT * FROM "${name}".crossauth_sessions`)).rows);
    expect(dump).toContain(idHash);
    expect(dump).not.toContain(token);
  });

  it('does not end the pool it was given on close', async () => {
    const db = pool();
    const store = postgresStore({ pool: db, schema: schema('close') });
    await store.ready;
    await store.close();
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('sweeps expired sessions at most once per ten minutes of caller time, off the request path', async () => {
    const db = pool();
    const name = schema('sweep');
    const store = postgresStore({ pool: db, schema: name });
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM "${name}".crossauth_sessions`)).rows[0].n as number;
    const minute = 60_000;
    const t = Date.now();
    const session = (idHash: string, at: number) => ({
      idHash, userId: 'u1', createdAt: at, lastSeenAt: at, idleExpiresAt: at + minute, absoluteExpiresAt: at + 2 * minute, remember: false,
    });
    await store.createSession(session('expired', t));
    await store.close(); // waits for the sweep the first write started, so the next one is due by time alone
    await store.createSession(session('five-minutes-later', t + 5 * minute));
    expect(await store.getSession('expired', t + 5 * minute)).toBeNull();
    expect(await count()).toBe(2);
    await store.createSession(session('ten-minutes-later', t + 10 * minute));
    await store.close(); // waits for the background sweep
    expect(await count()).toBe(1);
  });
});
