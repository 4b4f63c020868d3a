import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Store } from '@crossauth/server';
import { memoryStore } from '@crossauth/server/stores/memory';
import { openDatabase, sqliteStore } from '@crossauth/server/stores/sqlite';
import { memoryNotes, sqliteNotes, type NotesRepository } from './notes.js';
import { UsageError } from './config.js';
import { openPostgres, openRedis } from './open-shared-store.js';

export interface OpenedStore {
  store: Store;
  notes: NotesRepository;
  secret: string;
  /** Where the secret came from, for the startup banner. */
  secretSource: string;
  description: string;
  close(): Promise<void>;
}

/**
 * The secret beside a SQLite file: created once (0600), so CSRF tokens survive restarts. With
 * `memory:` an ephemeral one is fine: nothing survives a restart anyway.
 */
function secretBeside(databasePath: string): { secret: string; source: string } {
  const file = join(dirname(databasePath), 'secret');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return { secret: readFileSync(file, 'utf8').trim(), source: file };
}

/**
 * Opens the store named by `--store`. A shared store (Redis, PostgreSQL) is connected to and set up
 * here, so a wrong URL stops `serve` at startup with a clear message rather than at the first request.
 */
export async function openStore(spec: string, secret: string | undefined): Promise<OpenedStore> {
  if (spec === 'memory:') {
    return {
      store: memoryStore(),
      notes: memoryNotes(),
      secret: secret ?? randomBytes(48).toString('base64url'),
      secretSource: secret !== undefined ? 'CROSSAUTH_SECRET' : 'ephemeral (memory store)',
      description: 'memory (lost on exit)',
      async close() {},
    };
  }
  if (spec.startsWith('sqlite:')) {
    const path = resolve(spec.slice('sqlite:'.length) || './.crossauth/crossauth.db');
    mkdirSync(dirname(path), { recursive: true });
    const db = openDatabase(path);
    const store = sqliteStore({ database: db });
    const notes = sqliteNotes(db);
    const chosen = secret !== undefined ? { secret, source: 'CROSSAUTH_SECRET' } : secretBeside(path);
    return {
      store,
      notes,
      secret: chosen.secret,
      secretSource: chosen.source,
      description: `SQLite ${path}`,
      async close() {
        await store.close();
        db.close();
      },
    };
  }
  if (/^(redis|rediss|postgres|postgresql):\/\//.test(spec)) {
    if (secret === undefined) {
      throw new UsageError('A shared store (Redis or PostgreSQL) needs CROSSAUTH_SECRET: every instance must verify the CSRF tokens of the others.');
    }
    return spec.startsWith('redis') ? openRedis(spec, secret) : openPostgres(spec, secret);
  }
  throw new UsageError(`--store "${spec}" is not understood: use sqlite:PATH, redis://…, postgres://… or memory:.`);
}
