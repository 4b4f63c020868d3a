import { Redis } from 'ioredis';
import pg from 'pg';
import { postgresStore } from '@crossauth/server/stores/postgres';
import { redisStore } from '@crossauth/server/stores/redis';
import { guardNotes, postgresNotes, redisNotes } from './notes.js';
import type { OpenedStore } from './open-store.js';
import { UsageError } from './config.js';

/**
 * Every wait on a shared store is bounded by this, in milliseconds: connecting, each command or query
 * (client side and, for PostgreSQL, server side too). It matches the core's default store timeout, so
 * a request answers 503 `store_unavailable` within about a second while the store is unreachable.
 */
const STORE_TIMEOUT_MS = 1000;

/** The URL without its password, for the banner and error messages. */
function redacted(spec: string): string {
  try {
    const url = new URL(spec);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return spec.replace(/\/\/[^@/]*@/, '//***@');
  }
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Logs when the connection drops and when it is back, not every failed reconnection attempt. */
function connectionLogger(what: string): { down(error: unknown): void; up(): void } {
  let isDown = false;
  return {
    down(error) {
      if (isDown) return;
      isDown = true;
      console.error(`crossauth: lost the ${what} connection (${reason(error)}); answering 503 store_unavailable until it is back.`);
    },
    up() {
      if (!isDown) return;
      isDown = false;
      console.error(`crossauth: the ${what} connection is back.`);
    },
  };
}

export async function openRedis(spec: string, secret: string): Promise<OpenedStore> {
  const where = redacted(spec);
  const client = new Redis(spec, {
    // Fail at once while disconnected instead of queueing commands to run late; bound every command.
    enableOfflineQueue: false,
    commandTimeout: STORE_TIMEOUT_MS,
    connectTimeout: STORE_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // Keep trying to reconnect, at most every second, for as long as the server runs.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    lazyConnect: true,
  });
  const log = connectionLogger(`Redis (${where})`);
  let lastError: unknown;
  let wasReady = false;
  client.on('error', (error: unknown) => {
    lastError = error;
    if (wasReady) log.down(error);
  });
  client.on('ready', () => {
    wasReady = true;
    log.up();
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new UsageError(`Cannot reach Redis at ${where}: ${reason(lastError ?? error)}. Start it, or check --store.`);
  }
  const store = redisStore({ client });
  return {
    store,
    notes: guardNotes(redisNotes(client), STORE_TIMEOUT_MS),
    secret,
    secretSource: 'CROSSAUTH_SECRET',
    description: `Redis ${where}`,
    async close() {
      await store.close();
      client.disconnect();
    },
  };
}

export async function openPostgres(spec: string, secret: string): Promise<OpenedStore> {
  const where = redacted(spec);
  const pool = new pg.Pool({
    connectionString: spec,
    connectionTimeoutMillis: STORE_TIMEOUT_MS,
    query_timeout: STORE_TIMEOUT_MS,
    statement_timeout: STORE_TIMEOUT_MS,
  });
  const log = connectionLogger(`PostgreSQL (${where})`);
  // An idle connection that dies emits 'error' on the pool; unheard, it would end the process.
  pool.on('error', (error) => log.down(error));
  pool.on('connect', () => log.up());
  const store = postgresStore({ pool });
  let notes;
  try {
    await store.ready;
    notes = await postgresNotes(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new UsageError(`Cannot set up PostgreSQL at ${where}: ${reason(error)}. Start it, or check --store.`);
  }
  return {
    store,
    notes: guardNotes(notes, STORE_TIMEOUT_MS),
    secret,
    secretSource: 'CROSSAUTH_SECRET',
    description: `PostgreSQL ${where}`,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}
