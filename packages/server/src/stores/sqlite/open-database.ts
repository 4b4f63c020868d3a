import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';

/**
 * Opens (creating its directory) a database file tuned for a web server's workload. Exported so an
 * application that shares the file with the store (the reference server's notes) opens it the same way.
 */
export function openDatabase(filename: string, busyTimeoutMs = 5000): Database {
  const inMemory = filename === '' || filename === ':memory:';
  if (!inMemory) mkdirSync(dirname(filename), { recursive: true });
  // `timeout` is SQLite's busy_timeout, set before anything else so that even the switch to WAL waits
  // for another process's lock instead of failing with SQLITE_BUSY.
  const db = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against application crashes in WAL mode; only an OS crash or power loss can
    // drop the last transactions (https://www.sqlite.org/pragma.html#pragma_synchronous).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A 64 MiB page cache: 100,000 sessions' rows and indexes stay in memory, so a lookup costs the same
    // at 100,000 sessions as at 1,000 (SQLite's default cache is 2 MiB).
    db.pragma('cache_size = -65536');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
