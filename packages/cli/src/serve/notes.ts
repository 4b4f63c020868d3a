import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { StoreUnavailableError } from '@crossauth/server';

/** The demo resource of the reference server: short text notes per user. */
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

export interface NotesRepository {
  list(userId: string): Promise<Note[]>;
  add(userId: string, text: string, now: number): Promise<Note>;
}

export function memoryNotes(): NotesRepository {
  const byUser = new Map<string, Note[]>();
  return {
    async list(userId) {
      return (byUser.get(userId) ?? []).map((note) => ({ ...note }));
    },
    async add(userId, text, now) {
      const note = { id: randomUUID(), text, createdAt: new Date(now).toISOString() };
      const notes = byUser.get(userId) ?? [];
      notes.push(note);
      byUser.set(userId, notes);
      return { ...note };
    },
  };
}

export function sqliteNotes(db: Database.Database): NotesRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS demo_notes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS demo_notes_user ON demo_notes (user_id, created_at);`);
  const select = db.prepare<[string], { id: string; text: string; created_at: number }>(
    'SELECT id, text, created_at FROM demo_notes WHERE user_id = ? ORDER BY created_at, rowid',
  );
  const insert = db.prepare('INSERT INTO demo_notes (id, user_id, text, created_at) VALUES (?, ?, ?, ?)');
  return {
    async list(userId) {
      return select.all(userId).map((row) => ({ id: row.id, text: row.text, createdAt: new Date(row.created_at).toISOString() }));
    },
    async add(userId, text, now) {
      const id = randomUUID();
      insert.run(id, userId, text, now);
      return { id, text, createdAt: new Date(now).toISOString() };
    },
  };
}

/**
 * Notes in Redis: one list per user of JSON notes, in insertion order. Under the same prefix as the
 * store's keys, so one `SCAN crossauth:*` finds everything the reference server wrote.
 */
export function redisNotes(client: Redis, prefix = 'crossauth:'): NotesRepository {
  const key = (userId: string) => `${prefix}demo-notes:${userId}`;
  return {
    async list(userId) {
      return (await client.lrange(key(userId), 0, -1)).map((raw) => JSON.parse(raw) as Note);
    },
    async add(userId, text, now) {
      const note = { id: randomUUID(), text, createdAt: new Date(now).toISOString() };
      await client.rpush(key(userId), JSON.stringify(note));
      return note;
    },
  };
}

/** Notes in PostgreSQL, beside the store's tables; the table is created once, under an advisory lock. */
export async function postgresNotes(pool: Pool): Promise<NotesRepository> {
  const table = 'crossauth_demo_notes';
  const client = await pool.connect();
  try {
    // Two instances starting together would otherwise race on CREATE TABLE IF NOT EXISTS (which is not
    // atomic against a concurrent create) and one would fail with a duplicate type.
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('${table}'))`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      text TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      seq BIGINT GENERATED ALWAYS AS IDENTITY
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${table}_user ON ${table} (user_id, created_at, seq)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return {
    async list(userId) {
      const rows = await pool.query<{ id: string; text: string; created_at: string }>(
        `SELECT id, text, created_at FROM ${table} WHERE user_id = $1 ORDER BY created_at, seq`,
        [userId],
      );
      return rows.rows.map((row) => ({ id: row.id, text: row.text, createdAt: new Date(Number(row.created_at)).toISOString() }));
    },
    async add(userId, text, now) {
      const id = randomUUID();
      await pool.query(`INSERT INTO ${table} (id, user_id, text, created_at) VALUES ($1, $2, $3, $4)`, [id, userId, text, now]);
      return { id, text, createdAt: new Date(now).toISOString() };
    },
  };
}

/**
 * Bounds the notes of a shared store like the core bounds its store: a failure or an answer slower
 * than `timeoutMs` becomes `StoreUnavailableError`, which the server answers with 503
 * `store_unavailable` instead of a 500 or a hung request.
 */
export function guardNotes(notes: NotesRepository, timeoutMs: number): NotesRepository {
  const bounded = <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(operation, `no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([call(), timeout])
      .catch((error: unknown) => {
        throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(operation, error);
      })
      .finally(() => clearTimeout(timer));
  };
  return {
    list: (userId) => bounded('notes.list', () => notes.list(userId)),
    add: (userId, text, now) => bounded('notes.add', () => notes.add(userId, text, now)),
  };
}
