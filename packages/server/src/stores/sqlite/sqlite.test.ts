import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { SessionRecord, Store } from '../../store/types.js';
import { describeStoreConformance } from '../../testing/index.js';
import { SCHEMA_VERSION, sqliteStore } from './index.js';

const tempDirs: string[] = [];
const tempFile = (name = 'crossauth.db'): string => {
  const dir = mkdtempSync(join(tmpdir(), 'crossauth-sqlite-'));
  tempDirs.push(dir);
  return join(dir, name);
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const MINUTE = 60_000;
const sessionFor = (idHash: string, now: number): SessionRecord => ({
  idHash,
  userId: 'user_1',
  createdAt: now,
  lastSeenAt: now,
  idleExpiresAt: now + MINUTE,
  absoluteExpiresAt: now + 2 * MINUTE,
  remember: true,
});
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

describeStoreConformance('sqlite, in-memory Database passed in', () => sqliteStore({ database: new Database(':memory:') }));

describeStoreConformance('sqlite, temp file', () => sqliteStore({ filename: tempFile() }));

describe('sqlite store on a file', () => {
  it('keeps a session across close and reopen of the same file', async () => {
    const filename = tempFile();
    const now = Date.now();
    const session = sessionFor(sha256('token'), now);
    const first = sqliteStore({ filename });
    await first.createSession(session);
    await first.close();

    const reopened = sqliteStore({ filename });
    expect(await reopened.getSession(session.idHash, now)).toEqual(session);
    await reopened.close();
  });

  it('creates the missing parent directories of the file', async () => {
    const filename = join(tempFile(), '..', 'nested', 'deeper', 'crossauth.db');
    const store = sqliteStore({ filename });
    expect(await store.incrementCounter('k', MINUTE, 0)).toEqual({ count: 1, resetAt: MINUTE });
    await store.close();
  });

  it('turns on WAL journaling for a file it opens', async () => {
    const filename = tempFile();
    const store = sqliteStore({ filename });
    const probe = new Database(filename, { readonly: true });
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
    await store.close();
  });

  it('sets the schema up once: two stores open on one file at the same time both work', async () => {
    const filename = tempFile();
    const a = sqliteStore({ filename });
    const b = sqliteStore({ filename });
    const now = Date.now();
    const session = sessionFor(sha256('shared'), now);
    await a.createSession(session);
    expect(await b.getSession(session.idHash, now)).toEqual(session);
    await Promise.all([a.incrementCounter('shared', MINUTE, now), b.incrementCounter('shared', MINUTE, now)]);
    expect(await a.getCounter('shared', now)).toEqual({ count: 2, resetAt: now + MINUTE });
    await a.close();
    await b.close();

    const again = sqliteStore({ filename });
    expect(await again.getSession(session.idHash, now)).toEqual(session);
    await again.close();

    const raw = new Database(filename, { readonly: true });
    expect(raw.prepare(`SELECT key, value FROM crossauth_meta`).all()).toEqual([
      { key: 'schema_version', value: String(SCHEMA_VERSION) },
    ]);
    raw.close();
  });

  it("waits for another process's write lock while setting up the schema instead of failing", async () => {
    const filename = tempFile();
    const holdMs = 300;
    // A second process takes the write lock on a fresh file and keeps it for a moment.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.pragma('journal_mode = WAL');
         db.exec('BEGIN IMMEDIATE');
         process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});`,
        filename,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('locked')) resolve();
      });
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`lock holder exited early with ${code}`)));
    });

    const startedAt = performance.now();
    const store = sqliteStore({ filename });
    expect(performance.now() - startedAt).toBeGreaterThan(holdMs / 3);
    expect(await store.incrementCounter('after-lock', MINUTE, 0)).toEqual({ count: 1, resetAt: MINUTE });
    await store.close();
    await new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve(undefined)));
  });

  it('refuses a database whose schema is newer than this code, naming the versions', () => {
    const filename = tempFile();
    sqliteStore({ filename });
    const raw = new Database(filename);
    raw.prepare(`UPDATE crossauth_meta SET value = ? WHERE key = 'schema_version'`).run(String(SCHEMA_VERSION + 1));
    raw.close();
    expect(() => sqliteStore({ filename })).toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this crossauth`);
  });

  it('stores only the hash of a session token, in exactly the expected columns', async () => {
    const filename = tempFile();
    const store = sqliteStore({ filename });
    const token = randomBytes(32).toString('base64url');
    const session = sessionFor(sha256(token), Date.now());
    await store.createSession(session);
    await store.close();

    const raw = new Database(filename, { readonly: true });
    const columns = (table: string): string[] =>
      raw.prepare<[string], { name: string }>(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table).map((c) => c.name);
    expect(columns('crossauth_sessions')).toEqual([
      'id_hash',
      'user_id',
      'created_at',
      'last_seen_at',
      'idle_expires_at',
      'absolute_expires_at',
      'remember',
    ]);
    expect(columns('crossauth_tokens')).toContain('secret_hash');
    expect(columns('crossauth_refresh_tokens')).toContain('hash');
    expect(raw.prepare(`SELECT remember FROM crossauth_sessions`).get()).toEqual({ remember: 1 });
    raw.close();

    // Closing the last connection checkpoints the WAL into the main file.
    const bytes = readFileSync(filename).toString('latin1');
    expect(bytes).toContain(session.idHash);
    expect(bytes).not.toContain(token);
  });
});

describe('sqlite store with a Database passed in', () => {
  it('does not close a Database it did not open', async () => {
    const db = new Database(':memory:');
    const store = sqliteStore({ database: db });
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare(`SELECT count(*) AS n FROM crossauth_users`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('compiles no SQL after construction: the request path only runs prepared statements', async () => {
    const db = new Database(':memory:');
    const store: Store = sqliteStore({ database: db });
    const prepare = vi.spyOn(db, 'prepare');
    const exec = vi.spyOn(db, 'exec');
    const now = Date.now();
    const user = { id: 'u1', email: 'a@example.com', passwordHash: 'h', createdAt: now };
    await store.createUser(user);
    await store.getUserById(user.id);
    await store.getUserByEmail(user.email);
    await store.updatePasswordHash(user.id, 'h2');
    await store.createSession(sessionFor('s1', now));
    await store.getSession('s1', now);
    await store.touchSession('s1', now, now + MINUTE);
    await store.deleteUserSessions(user.id, 's1');
    await store.deleteUserSessions(user.id);
    await store.deleteSession('s1');
    const token = {
      id: 't1', secretHash: 'th', userId: user.id, name: 'n', kind: 'device' as const, abilities: ['*'],
      createdAt: now, expiresAt: now + MINUTE, lastUsedAt: null, familyId: 'f1',
    };
    await store.createToken(token);
    await store.getTokenByHash('th', now);
    await store.listTokens(user.id, now);
    await store.touchToken('t1', now);
    await store.createRefreshToken({
      hash: 'r1', familyId: 'f1', userId: user.id, accessTokenId: 't1', name: 'n', createdAt: now, expiresAt: now + MINUTE, usedAt: null,
    });
    await store.consumeRefreshToken('r1', now);
    await store.consumeRefreshToken('r1', now);
    await store.consumeRefreshToken('unknown', now);
    await store.deleteRefreshFamily('f1');
    await store.deleteToken('t1', user.id);
    await store.deleteUserTokens(user.id);
    await store.incrementCounter('c', MINUTE, now + 20 * MINUTE);
    await store.getCounter('c', now);
    await store.deleteCounter('c');
    expect(prepare).not.toHaveBeenCalled();
    expect(exec).not.toHaveBeenCalled();
    await store.close();
    db.close();
  });

  it('sweeps expired sessions at most once per ten minutes of caller time, on createSession', async () => {
    const db = new Database(':memory:');
    const store = sqliteStore({ database: db });
    const rows = (): number => (db.prepare(`SELECT count(*) AS n FROM crossauth_sessions`).get() as { n: number }).n;
    const t = Date.now();
    await store.createSession(sessionFor('expired', t));
    await store.createSession(sessionFor('five-minutes-later', t + 5 * MINUTE));
    // The first session is dead (idle deadline t + 1 min) and invisible, but not swept yet.
    expect(await store.getSession('expired', t + 5 * MINUTE)).toBeNull();
    expect(rows()).toBe(2);
    await store.createSession(sessionFor('ten-minutes-later', t + 10 * MINUTE));
    expect(rows()).toBe(1);
    await store.close();
    db.close();
  });
});
