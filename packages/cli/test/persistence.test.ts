import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Client, send, uniqueEmail, type TestServer } from './harness.js';
import { serverPool, SESSION } from './security-helpers.js';

/**
 * A reference server on a SQLite file, restarted: sessions, notes, throttle counters and the secret
 * (created beside the database, mode 0600, when none is given) survive; what was ended stays ended.
 */

const HOUR = 3600_000;
const PASSWORD = 'correct horse battery';
const pool = serverPool();
const dirs: string[] = [];

afterEach(() => {
  expect(pool.serverErrors()).toEqual([]);
});
afterAll(async () => {
  await pool.closeAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossauth-persist-'));
  dirs.push(dir);
  return dir;
}

/** A server on `sqlite:<dir>/db.sqlite` with no secret, as `crossauth serve` runs without CROSSAUTH_SECRET. */
function startOn(dir: string, file = 'db.sqlite'): Promise<TestServer> {
  return pool.start({ store: `sqlite:${join(dir, file)}`, secret: undefined });
}

/** A browser on `server` that carries over another browser's cookies and CSRF token (same device, restarted API). */
function carryOver(from: Client, server: TestServer): Client {
  const client = new Client(server.url);
  for (const [name, value] of from.jar) client.jar.set(name, value);
  client.csrfToken = from.csrfToken;
  return client;
}

describe('persistence on a SQLite file', () => {
  it('bearer tokens survive a restart: a personal token and a device pair still work, and the refresh rotates', async () => {
    const dir = tempDir();
    const first = await startOn(dir);
    const browser = new Client(first.url);
    const email = uniqueEmail('persist-token');
    expect((await browser.signup(email, PASSWORD)).status).toBe(201);
    const personal = (await browser.request('/auth/tokens', { json: { name: 'ci', abilities: ['notes:read'] } })).json.token as string;
    const device = (await send(first.url, '/auth/token', { json: { email, password: PASSWORD, name: 'phone' } })).json;
    await first.close();

    const second = await startOn(dir);
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    expect((await send(second.url, '/api/notes', { headers: bearer(personal) })).status).toBe(200);
    expect((await send(second.url, '/auth/me', { headers: bearer(device.token) })).json.user.email).toBe(email);
    const refreshed = await send(second.url, '/auth/token/refresh', { json: { refreshToken: device.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await send(second.url, '/auth/me', { headers: bearer(refreshed.json.token) })).status).toBe(200);
    expect((await send(second.url, '/auth/me', { headers: bearer(device.token) })).status).toBe(401);
  });

  it('a session survives a restart: the cookie still works, the notes are there, the old CSRF token still verifies', async () => {
    const dir = tempDir();
    const first = await startOn(dir);
    const browser = new Client(first.url);
    const email = uniqueEmail('persist');
    expect((await browser.signup(email, PASSWORD, true)).status).toBe(201);
    expect((await browser.request('/api/notes', { json: { text: 'written before the restart' } })).status).toBe(201);
    await first.close();

    const second = await startOn(dir);
    const again = carryOver(browser, second);
    const me = await again.request('/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.user.email).toBe(email);
    expect((await again.request('/api/notes')).json.notes.map((note: { text: string }) => note.text)).toEqual(['written before the restart']);
    // The CSRF token from before the restart: the secret was read back from its file, so it verifies.
    const post = await again.request('/api/notes', { json: { text: 'written after the restart' } });
    expect(post.status).toBe(201);
    expect((await new Client(second.url).login(email, PASSWORD)).status).toBe(200);
    await second.close();
  });

  it('the secret file is created beside the database with mode 0600, at least 32 bytes, and reused on restart', async () => {
    const dir = tempDir();
    const nested = join(dir, 'nested', 'deeper');
    const first = await pool.start({ store: `sqlite:${join(nested, 'db.sqlite')}`, secret: undefined });
    const secretFile = join(nested, 'secret');
    expect(existsSync(secretFile)).toBe(true);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, 'utf8');
    expect(Buffer.byteLength(secret.trim())).toBeGreaterThanOrEqual(32);
    expect(first.opened.secretSource).toBe(secretFile);
    await first.close();

    const second = await pool.start({ store: `sqlite:${join(nested, 'db.sqlite')}`, secret: undefined });
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    await second.close();
  });

  it('with a secret given, no secret file is written', async () => {
    const dir = tempDir();
    const server = await pool.start({ store: `sqlite:${join(dir, 'db.sqlite')}`, secret: 'a-given-secret-a-given-secret-a-given-secret' });
    expect(existsSync(join(dir, 'secret'))).toBe(false);
    expect(server.opened.secretSource).toBe('CROSSAUTH_SECRET');
    await server.close();
  });

  it('a logout before the restart stays a logout after it', async () => {
    const dir = tempDir();
    const first = await startOn(dir);
    const browser = new Client(first.url);
    expect((await browser.signup(uniqueEmail('persist'), PASSWORD)).status).toBe(201);
    const oldSession = browser.jar.get(SESSION)!;
    expect((await browser.request('/auth/logout', { method: 'POST' })).status).toBe(204);
    await first.close();

    const second = await startOn(dir);
    const replay = new Client(second.url);
    replay.jar.set(SESSION, oldSession);
    expect((await replay.request('/auth/me')).status).toBe(401);
    await second.close();
  });

  it('session deadlines are stored: a session restarted past its idle timeout answers 401', async () => {
    const dir = tempDir();
    const first = await startOn(dir);
    const browser = new Client(first.url);
    expect((await browser.signup(uniqueEmail('persist'), PASSWORD)).status).toBe(201);
    await first.close();

    const second = await startOn(dir);
    const again = carryOver(browser, second);
    second.advance(11 * HOUR);
    expect((await again.request('/auth/me')).status).toBe(200);
    second.advance(13 * HOUR);
    expect((await again.request('/auth/me')).status).toBe(401);
    await second.close();
  });

  it('login throttle counters survive a restart', async () => {
    const dir = tempDir();
    const first = await startOn(dir);
    const email = uniqueEmail('persist');
    const owner = new Client(first.url);
    expect((await owner.signup(email, PASSWORD)).status).toBe(201);
    const attacker = new Client(first.url);
    for (let i = 0; i < 5; i += 1) expect((await attacker.login(email, `wrong ${i}`)).status).toBe(401);
    await first.close();

    const second = await startOn(dir);
    const locked = await new Client(second.url).login(email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    await second.close();
  });

  it('the SQLite files hold neither the session token nor the password', async () => {
    const dir = tempDir();
    const server = await startOn(dir);
    const browser = new Client(server.url);
    const password = 'a very recognisable password 8f3a2c';
    expect((await browser.signup(uniqueEmail('persist'), password)).status).toBe(201);
    const token = browser.jar.get(SESSION)!;
    await server.close();
    const contents = readdirSync(dir)
      .filter((name) => name.startsWith('db.sqlite'))
      .map((name) => readFileSync(join(dir, name)).toString('latin1'))
      .join('');
    expect(contents.length).toBeGreaterThan(0);
    expect(contents).not.toContain(token);
    expect(contents).not.toContain(password);
    expect(contents).toContain('$argon2id$');
  });
});
