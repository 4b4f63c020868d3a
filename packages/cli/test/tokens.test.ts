import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, send, startTestServer, uniqueEmail, type Answer, type TestServer } from './harness.js';

const PASSWORD = 'correct horse battery';
let server: TestServer;

beforeAll(async () => {
  // Every test signs up from 127.0.0.1: lift the per-address signup limit, which has its own tests.
  server = await startTestServer({ overrides: { throttle: { signupMaxAttempts: 10_000 } } });
});
afterAll(async () => {
  await server.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A signed-up user with a cookie session, for minting personal tokens. */
async function signedUp(): Promise<{ client: Client; email: string }> {
  const client = new Client(server.url);
  const email = uniqueEmail('tokens');
  expect((await client.signup(email, PASSWORD)).status).toBe(201);
  return { client, email };
}

async function deviceLogin(email: string, name = 'phone'): Promise<Answer> {
  return send(server.url, '/auth/token', { json: { email, password: PASSWORD, name } });
}

async function notesCount(token: string): Promise<number> {
  const answer = await send(server.url, '/api/notes', { headers: bearer(token) });
  expect(answer.status).toBe(200);
  return answer.json.notes.length;
}

describe('personal access tokens', () => {
  it('T1 shows the token once; the store holds only its SHA-256, which does not work as a bearer', async () => {
    const { client } = await signedUp();
    const created = await client.request('/auth/tokens', { json: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^cxa_pat_/);
    const listed = await client.request('/auth/tokens');
    expect(JSON.stringify(listed.json)).not.toContain(created.json.token);
    expect(listed.json.tokens).toEqual([{ id: created.json.id, name: 'ci', kind: 'personal', abilities: ['*'], lastUsedAt: null, expiresAt: null }]);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(created.json.token).digest('hex');
    expect((await send(server.url, '/auth/me', { headers: bearer(digest) })).status).toBe(401);
    expect((await send(server.url, '/auth/me', { headers: bearer(created.json.token) })).status).toBe(200);
  });

  it('T2 answers 401 to every malformed Authorization value, never 500', async () => {
    const { client } = await signedUp();
    const token = (await client.request('/auth/tokens', { json: { name: 'x' } })).json.token as string;
    const values = ['', '|', 'test', '|test', '1ABC|test', '1ABC|', '1,2|test', 'Bearer', 'Bearer ', 'Bearer |test', 'Bearer 1,2|test', `Bearer  ${token}`, `bearer ${token}`, `Bearer ${token}x`, `Bearer ${'a'.repeat(10_000)}`, `Basic ${token}`];
    for (const value of values) {
      const answer = await send(server.url, '/auth/me', { headers: [['Authorization', value]] });
      expect(answer.status, JSON.stringify(value.slice(0, 40))).toBe(401);
    }
    const twice = await send(server.url, '/auth/me', { headers: [['Authorization', `Bearer ${token}`], ['Authorization', `Bearer ${token}`]] });
    expect(twice.status).toBe(401);
  });

  it('T3 refuses a token past its expiry and accepts it just before', async () => {
    const { client } = await signedUp();
    const token = (await client.request('/auth/tokens', { json: { name: 'short', expiresIn: 60 } })).json.token as string;
    server.advance(59_000);
    expect((await send(server.url, '/auth/me', { headers: bearer(token) })).status).toBe(200);
    server.advance(1_000);
    expect((await send(server.url, '/auth/me', { headers: bearer(token) })).status).toBe(401);
  });

  it('T4 a revoked token fails on the very next request; password change revokes every token', async () => {
    const { client } = await signedUp();
    const first = (await client.request('/auth/tokens', { json: { name: 'a' } })).json;
    const second = (await client.request('/auth/tokens', { json: { name: 'b' } })).json;
    expect((await client.request(`/auth/tokens/${first.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await send(server.url, '/auth/me', { headers: bearer(first.token) })).status).toBe(401);
    expect((await send(server.url, '/auth/me', { headers: bearer(second.token) })).status).toBe(200);
    const changed = await client.request('/auth/password', { json: { currentPassword: PASSWORD, newPassword: 'another long passphrase' } });
    expect(changed.status).toBe(204);
    expect((await send(server.url, '/auth/me', { headers: bearer(second.token) })).status).toBe(401);
  });

  it("T4 deleting another user's token answers 404 and leaves it working", async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const token = (await alice.client.request('/auth/tokens', { json: { name: 'alice' } })).json;
    expect((await bob.client.request(`/auth/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await send(server.url, '/auth/me', { headers: bearer(token.token) })).status).toBe(200);
  });

  it('T5 a notes:read token cannot write notes, and cannot mint a broader token', async () => {
    const { client } = await signedUp();
    const reader = (await client.request('/auth/tokens', { json: { name: 'reader', abilities: ['notes:read'] } })).json.token as string;
    expect(await notesCount(reader)).toBe(0);
    const write = await send(server.url, '/api/notes', { headers: bearer(reader), json: { text: 'nope' } });
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe('forbidden');
    for (const abilities of [['notes:write'], ['*'], undefined]) {
      const minted = await send(server.url, '/auth/tokens', { headers: bearer(reader), json: { name: 'wider', ...(abilities ? { abilities } : {}) } });
      expect(minted.status).toBe(403);
    }
    const same = await send(server.url, '/auth/tokens', { headers: bearer(reader), json: { name: 'same', abilities: ['notes:read'] } });
    expect(same.status).toBe(201);
  });

  it('T5 token creation needs a principal and ignores a userId in the body', async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const bobId = (await bob.client.request('/auth/me')).json.user.id as string;
    expect((await send(server.url, '/auth/tokens', { json: { name: 'x', userId: bobId } })).status).toBe(401);
    const minted = await alice.client.request('/auth/tokens', { json: { name: 'mine', userId: bobId } });
    const me = await send(server.url, '/auth/me', { headers: bearer(minted.json.token) });
    expect(me.json.user.email).toBe(alice.email);
  });

  it('T6 tokens differing in the first byte, the last byte, length or encoding are refused', async () => {
    const { client } = await signedUp();
    const token = (await client.request('/auth/tokens', { json: { name: 'x' } })).json.token as string;
    const variants = [`X${token.slice(1)}`, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, token.slice(0, -1), `${token}A`, `${token.slice(0, -2)}é`];
    for (const variant of variants) expect((await send(server.url, '/auth/me', { headers: bearer(variant) })).status).toBe(401);
  });

  it('T7 accepts tokens only in the Authorization header: not in the query, a cookie or the body', async () => {
    const { client } = await signedUp();
    const token = (await client.request('/auth/tokens', { json: { name: 'x' } })).json.token as string;
    expect((await send(server.url, `/auth/me?access_token=${token}`)).status).toBe(401);
    expect((await send(server.url, '/auth/me', { headers: { Cookie: `token=${token}; access_token=${token}` } })).status).toBe(401);
    expect((await send(server.url, '/api/notes', { json: { text: 'x', token, access_token: token } })).status).toBe(401);
  });

  it('records lastUsedAt on use, written at most once a minute', async () => {
    const { client } = await signedUp();
    const created = (await client.request('/auth/tokens', { json: { name: 'x' } })).json;
    await send(server.url, '/auth/me', { headers: bearer(created.token) });
    const first = (await client.request('/auth/tokens')).json.tokens[0].lastUsedAt as string;
    expect(first).not.toBeNull();
    server.advance(30_000);
    await send(server.url, '/auth/me', { headers: bearer(created.token) });
    expect((await client.request('/auth/tokens')).json.tokens[0].lastUsedAt).toBe(first);
    server.advance(31_000);
    await send(server.url, '/auth/me', { headers: bearer(created.token) });
    expect((await client.request('/auth/tokens')).json.tokens[0].lastUsedAt).not.toBe(first);
  });
});

describe('device login with refresh rotation', () => {
  it('logs in with email and password, no cookie, Origin or CSRF token, and lists the device token', async () => {
    const { client, email } = await signedUp();
    const login = await deviceLogin(email);
    expect(login.status).toBe(201);
    expect(login.cookies).toEqual([]);
    expect(login.json).toMatchObject({ token: expect.stringMatching(/^cxa_dat_/), refreshToken: expect.stringMatching(/^cxa_drt_/) });
    expect(Date.parse(login.json.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(await notesCount(login.json.token)).toBe(0);
    const listed = (await client.request('/auth/tokens')).json.tokens;
    expect(listed).toEqual([expect.objectContaining({ id: login.json.id, name: 'phone', kind: 'device' })]);
  });

  it('answers invalid_credentials to a wrong password, and throttles like /auth/login', async () => {
    const { email } = await signedUp();
    const wrong = await send(server.url, '/auth/token', { json: { email, password: 'wrong password', name: 'x' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalid_credentials');
    for (let i = 0; i < 4; i++) await send(server.url, '/auth/token', { json: { email, password: 'wrong password', name: 'x' } });
    const locked = await deviceLogin(email);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rotates on refresh: the old pair stops working, the new one works', async () => {
    const { email } = await signedUp();
    const first = (await deviceLogin(email)).json;
    const refreshed = await send(server.url, '/auth/token/refresh', { json: { refreshToken: first.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refreshToken).not.toBe(first.refreshToken);
    expect((await send(server.url, '/auth/me', { headers: bearer(first.token) })).status).toBe(401);
    expect((await send(server.url, '/auth/me', { headers: bearer(refreshed.json.token) })).status).toBe(200);
  });

  it('refreshes after the access token expired, keeping the device name', async () => {
    const { client, email } = await signedUp();
    const first = (await deviceLogin(email, 'tablet')).json;
    server.advance(16 * 60_000);
    expect((await send(server.url, '/auth/me', { headers: bearer(first.token) })).status).toBe(401);
    const refreshed = await send(server.url, '/auth/token/refresh', { headers: bearer(first.token), json: { refreshToken: first.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await client.request('/auth/tokens')).json.tokens.map((token: { name: string }) => token.name)).toEqual(['tablet']);
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const { email } = await signedUp();
    const first = (await deviceLogin(email)).json;
    const second = (await send(server.url, '/auth/token/refresh', { json: { refreshToken: first.refreshToken } })).json;
    const replay = await send(server.url, '/auth/token/refresh', { json: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect((await send(server.url, '/auth/me', { headers: bearer(second.token) })).status).toBe(401);
    expect((await send(server.url, '/auth/token/refresh', { json: { refreshToken: second.refreshToken } })).status).toBe(401);
  });

  it('tolerates a reuse within the configured grace window without revoking the family', async () => {
    const graceful = await startTestServer({ overrides: { tokens: { refreshReuseGraceSeconds: 10 } } });
    try {
      const client = new Client(graceful.url);
      const email = uniqueEmail('grace');
      await client.signup(email, PASSWORD);
      const first = (await send(graceful.url, '/auth/token', { json: { email, password: PASSWORD, name: 'x' } })).json;
      const second = (await send(graceful.url, '/auth/token/refresh', { json: { refreshToken: first.refreshToken } })).json;
      const retried = await send(graceful.url, '/auth/token/refresh', { json: { refreshToken: first.refreshToken } });
      expect(retried.status).toBe(200);
      expect((await send(graceful.url, '/auth/me', { headers: bearer(second.token) })).status).toBe(200);
      graceful.advance(11_000);
      expect((await send(graceful.url, '/auth/token/refresh', { json: { refreshToken: first.refreshToken } })).status).toBe(401);
    } finally {
      await graceful.close();
    }
  });

  it('POST /auth/logout with a bearer token revokes it and its family, no CSRF needed', async () => {
    const { email } = await signedUp();
    const pair = (await deviceLogin(email)).json;
    const logout = await send(server.url, '/auth/logout', { method: 'POST', headers: bearer(pair.token) });
    expect(logout.status).toBe(204);
    expect((await send(server.url, '/auth/me', { headers: bearer(pair.token) })).status).toBe(401);
    expect((await send(server.url, '/auth/token/refresh', { json: { refreshToken: pair.refreshToken } })).status).toBe(401);
  });

  it('deleting a device token also revokes its refresh token', async () => {
    const { client, email } = await signedUp();
    const pair = (await deviceLogin(email)).json;
    expect((await client.request(`/auth/tokens/${pair.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await send(server.url, '/auth/token/refresh', { json: { refreshToken: pair.refreshToken } })).status).toBe(401);
  });

  it('refuses malformed refresh tokens with 401 and bad bodies with 400', async () => {
    for (const refreshToken of ['', 'x', 'cxa_drt_' + 'a'.repeat(49)]) {
      expect((await send(server.url, '/auth/token/refresh', { json: { refreshToken } })).status).toBe(401);
    }
    expect((await send(server.url, '/auth/token/refresh', { json: { refreshToken: 42 } })).status).toBe(400);
    expect((await send(server.url, '/auth/token', { json: { email: 'a@example.com', password: PASSWORD } })).status).toBe(400);
  });
});

describe('bearer and cookie never mix', () => {
  it('X14 a bearer-only request needs no CSRF token', async () => {
    const { email } = await signedUp();
    const pair = (await deviceLogin(email)).json;
    const created = await send(server.url, '/api/notes', { headers: bearer(pair.token), json: { text: 'from the app' } });
    expect(created.status).toBe(201);
  });

  it('X14 a session cookie plus a garbage or empty bearer is not the cookie user', async () => {
    const { client } = await signedUp();
    for (const authorization of ['Bearer garbage', 'Bearer ', '']) {
      expect((await client.request('/auth/me', { headers: { Authorization: authorization } })).status).toBe(401);
      const write = await client.request('/api/notes', { headers: { Authorization: authorization }, json: { text: 'x' }, csrf: false });
      expect([401, 403]).toContain(write.status);
    }
    expect((await client.request('/api/notes')).json.notes).toEqual([]);
  });

  it("X14 a valid bearer is used even when another user's session cookie rides along", async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const token = (await alice.client.request('/auth/tokens', { json: { name: 'x' } })).json.token as string;
    const me = await bob.client.request('/auth/me', { headers: bearer(token) });
    expect(me.json.user.email).toBe(alice.email);
  });
});

describe('HTTP Basic', () => {
  it('is off by default: a Basic header is refused without a browser dialog challenge', async () => {
    const { email } = await signedUp();
    const answer = await send(server.url, '/api/notes', { headers: { Authorization: `Basic ${Buffer.from(`${email}:${PASSWORD}`).toString('base64')}` } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('when on, authenticates API routes with the login hashing and throttle, and challenges only Basic callers', async () => {
    const basic = await startTestServer({ overrides: { basicAuth: true } });
    try {
      const client = new Client(basic.url);
      const email = uniqueEmail('basic');
      await client.signup(email, PASSWORD);
      const header = (password: string) => ({ Authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` });
      const ok = await send(basic.url, '/api/notes', { headers: header(PASSWORD), json: { text: 'via basic' } });
      expect(ok.status).toBe(201);
      const wrong = await send(basic.url, '/api/notes', { headers: header('wrong password') });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
      const anonymous = await send(basic.url, '/api/notes');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBeUndefined();
      for (let i = 0; i < 4; i++) await send(basic.url, '/api/notes', { headers: header('wrong password') });
      expect((await send(basic.url, '/api/notes', { headers: header(PASSWORD) })).status).toBe(429);
    } finally {
      await basic.close();
    }
  });
});

describe('tokens at rest in SQLite', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('T1 the database file contains no plaintext token, personal, access or refresh', async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossauth-tokens-'));
    const file = join(dir, 'db.sqlite');
    const sqlite = await startTestServer({ store: `sqlite:${file}` });
    const client = new Client(sqlite.url);
    const email = uniqueEmail('sqlite');
    await client.signup(email, PASSWORD);
    const personal = (await client.request('/auth/tokens', { json: { name: 'x' } })).json.token as string;
    const pair = (await send(sqlite.url, '/auth/token', { json: { email, password: PASSWORD, name: 'y' } })).json;
    await sqlite.close();
    const bytes = readFileSync(file).toString('latin1') + readFileSync(`${file}-wal`, { flag: 'a+' }).toString('latin1');
    for (const secret of [personal, pair.token, pair.refreshToken]) expect(bytes).not.toContain(secret.slice(8, 51));
  });
});

describe('bearer signup', () => {
  it('creates the account and answers with its first pair, no cookie, Origin or CSRF token', async () => {
    const email = uniqueEmail('token-signup');
    const answer = await send(server.url, '/auth/token/signup', { json: { email, password: PASSWORD, name: 'phone' } });
    expect(answer.status).toBe(201);
    expect(answer.cookies).toEqual([]);
    expect(answer.json.user.email).toBe(email);
    expect((await send(server.url, '/auth/me', { headers: bearer(answer.json.token) })).json.user.email).toBe(email);
    expect((await send(server.url, '/auth/token/refresh', { json: { refreshToken: answer.json.refreshToken } })).status).toBe(200);
  });

  it('applies the signup rules: 409 for a known email, 422 for a weak password, 400 without a name', async () => {
    const { email } = await signedUp();
    expect((await send(server.url, '/auth/token/signup', { json: { email, password: PASSWORD, name: 'x' } })).json.error.code).toBe('email_taken');
    expect((await send(server.url, '/auth/token/signup', { json: { email: uniqueEmail(), password: 'short', name: 'x' } })).status).toBe(422);
    expect((await send(server.url, '/auth/token/signup', { json: { email: uniqueEmail(), password: PASSWORD } })).status).toBe(400);
  });

  it('shares the per-address signup limit with the cookie route', async () => {
    const limited = await startTestServer({ overrides: { throttle: { signupMaxAttempts: 2 } } });
    try {
      const attempt = () => send(limited.url, '/auth/token/signup', { json: { email: uniqueEmail(), password: PASSWORD, name: 'x' } });
      expect((await attempt()).status).toBe(201);
      expect((await attempt()).status).toBe(201);
      const refused = await attempt();
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});
