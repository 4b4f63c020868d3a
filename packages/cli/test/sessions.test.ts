import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, Client, send, uniqueEmail, type Answer, type TestServer } from './harness.js';
import { cookieOf, forgedToken, parseSetCookie, PLAIN_SESSION, PRE, serverPool, SESSION, sessionTokenOf, sha256Hex } from './security-helpers.js';

/**
 * Security catalogue §3, sessions (S1–S12), against a real listening reference server. The default
 * harness server is cross-site to the app (`https://app.example.com` calling `http://127.0.0.1:port`),
 * so its cookies are `__Host-`, `SameSite=None; Secure; Partitioned`.
 */

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const PASSWORD = 'correct horse battery';

const pool = serverPool();
let server: TestServer;

beforeAll(async () => {
  // Many tests sign up from 127.0.0.1: lift the signup limit (its own behaviour is tested in login.test.ts).
  server = await pool.start({ overrides: { throttle: { signupMaxAttempts: 100_000 } } });
});
afterEach(() => {
  expect(pool.serverErrors()).toEqual([]);
});
afterAll(async () => {
  await pool.closeAll();
});

/** A signed-up client, with the session token its cookie holds. */
async function signedIn(target: TestServer = server, remember = false, origin: string = APP_ORIGIN): Promise<{ client: Client; email: string; token: string; answer: Answer }> {
  const client = new Client(target.url, origin);
  const email = uniqueEmail('s');
  const answer = await client.signup(email, PASSWORD, remember);
  expect(answer.status).toBe(201);
  const token = sessionTokenOf(answer);
  expect(token).toBeDefined();
  return { client, email, token: token!, answer };
}

/** `GET /auth/me` with only this session cookie. */
function meWith(token: string, target: TestServer = server, name = SESSION): Promise<Answer> {
  return send(target.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Cookie', `${name}=${token}`]] });
}

function storedSession(token: string, target: TestServer = server) {
  return target.opened.store.getSession(sha256Hex(token), target.auth.core.options.clock());
}

/** No Set-Cookie line of the answer carries `value`. */
function expectNotSetBack(answer: Answer, value: string): void {
  for (const line of answer.cookies) expect(line).not.toContain(value);
}

describe('S1 session fixation', () => {
  it('S1 a session id planted before login is replaced at login and never authenticates', async () => {
    const { email } = await signedIn();
    const victim = new Client(server.url);
    await victim.csrf();
    const planted = forgedToken();
    victim.jar.set(SESSION, planted);
    const preBefore = victim.jar.get(PRE);
    const login = await victim.login(email);
    expect(login.status).toBe(200);
    const after = sessionTokenOf(login);
    expect(after).toBeDefined();
    expect(after).not.toBe(planted);
    expect(victim.jar.get(PRE)).not.toBe(preBefore);
    expectNotSetBack(login, planted);
    expect((await meWith(planted)).status).toBe(401);
    expect((await meWith(after!)).status).toBe(200);
  });

  it('S1 the cookie held before login differs from the one after, and the old one is no longer authenticated (re-authentication)', async () => {
    const { client, email, token: before } = await signedIn();
    const login = await client.login(email);
    expect(login.status).toBe(200);
    const after = sessionTokenOf(login)!;
    expect(after).not.toBe(before);
    expect((await meWith(before)).status).toBe(401);
    expect(await storedSession(before)).toBeNull();
    expect((await client.request('/auth/me')).status).toBe(200);
  });

  it('S1 signup also issues a fresh id: a planted id is not adopted', async () => {
    const client = new Client(server.url);
    await client.csrf();
    const planted = forgedToken();
    client.jar.set(SESSION, planted);
    const answer = await client.signup(uniqueEmail('s1'));
    expect(answer.status).toBe(201);
    expect(sessionTokenOf(answer)).not.toBe(planted);
    expect((await meWith(planted)).status).toBe(401);
  });

  it("S1 logging in over an attacker's own live session replaces it rather than reusing it", async () => {
    const attacker = await signedIn();
    const victim = await signedIn();
    const browser = new Client(server.url);
    await browser.csrf();
    browser.jar.set(SESSION, attacker.token);
    // The browser now carries the attacker's session, so its CSRF token must be the one bound to it.
    await browser.csrf();
    const login = await browser.login(victim.email);
    expect(login.status).toBe(200);
    const fresh = sessionTokenOf(login)!;
    expect(fresh).not.toBe(attacker.token);
    expect((await meWith(fresh)).json.user.email).toBe(victim.email);
    const old = await meWith(attacker.token);
    expect(old.status === 401 || old.json?.user?.email === attacker.email).toBe(true);
  });
});

describe('S2 strict sessions', () => {
  it('S2 a well-formed session id that was never issued answers 401 and is never set back', async () => {
    const forged = forgedToken();
    const me = await meWith(forged);
    expect(me.status).toBe(401);
    expect(me.json.error.code).toBe('unauthenticated');
    expectNotSetBack(me, forged);
    const csrf = await send(server.url, '/auth/csrf', { headers: [['Origin', APP_ORIGIN], ['Cookie', `${SESSION}=${forged}`]] });
    expect(csrf.status).toBe(200);
    expect(cookieOf(csrf, SESSION)).toBeUndefined();
    expectNotSetBack(csrf, forged);
  });

  it('S2 a session whose store entry has expired answers 401 and is not revived', async () => {
    const { token } = await signedIn();
    server.advance(12 * HOUR + 1000);
    const me = await meWith(token);
    expect(me.status).toBe(401);
    expectNotSetBack(me, token);
    expect((await meWith(token)).status).toBe(401);
  });

  it('S2 an expired "remember me" session answers 401', async () => {
    const { token } = await signedIn(server, true);
    server.advance(30 * DAY + 1000);
    expect((await meWith(token)).status).toBe(401);
  });
});

describe('S3 tampered session ids', () => {
  it('S3 an altered, truncated or extended session cookie answers 401, never 500, and is never set back', async () => {
    const { token } = await signedIn();
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const variants = [
      flip(token, 0),
      flip(token, 20),
      flip(token, 42),
      token.slice(0, 42),
      token.slice(1),
      token + 'A',
      token + '=',
      token + token,
      token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(),
      token.replace(/[-_]/g, '+').replace(/^./, '/'),
      ` ${token}x`,
      `${token.slice(0, 21)}.${token.slice(22)}`,
      sha256Hex(token),
      '',
    ];
    for (const variant of variants) {
      if (variant === token) continue;
      const me = await meWith(variant);
      expect(me.status, variant).toBe(401);
      expect(me.json.error.code).toBe('unauthenticated');
      if (variant !== '') expectNotSetBack(me, variant);
    }
    expect((await meWith(token)).status).toBe(200);
  });

  it('S3 a value that is not token-shaped is refused without a store lookup', async () => {
    const { token } = await signedIn();
    const getSession = vi.spyOn(server.auth.core.store, 'getSession');
    try {
      for (const variant of [token.slice(0, 42), token + 'A', `${token.slice(0, 42)}!`, 'x'.repeat(4000)]) {
        expect((await meWith(variant)).status).toBe(401);
      }
      expect(getSession).not.toHaveBeenCalled();
    } finally {
      getSession.mockRestore();
    }
  });
});

describe('S4 session ids only from the cookie', () => {
  it('S4 a valid session id in the query, a custom header, Authorization or the body does not authenticate', async () => {
    const { client, token } = await signedIn();
    for (const path of [`/auth/me?${SESSION}=${token}`, `/auth/me?${PLAIN_SESSION}=${token}`, `/auth/me?sid=${token}`, `/auth/me?session=${token}`]) {
      expect((await send(server.url, path, { headers: [['Origin', APP_ORIGIN]] })).status, path).toBe(401);
    }
    for (const header of ['X-Session', 'X-Session-Id', 'Session', 'X-Crossauth-Session', SESSION, 'X-Auth-Token']) {
      expect((await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], [header, token]] })).status, header).toBe(401);
    }
    expect((await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Authorization', `Bearer ${token}`]] })).status).toBe(401);
    const notesBefore = (await client.request('/api/notes')).json.notes.length;
    const post = await send(server.url, '/api/notes', { headers: [['Origin', APP_ORIGIN]], json: { text: 'injected', sid: token, session: token, [SESSION]: token } });
    expect(post.status).toBe(401);
    expect((await client.request('/api/notes')).json.notes).toHaveLength(notesBefore);
  });

  it('S4 a bearer Authorization header wins over the cookie: a cookie request with a junk bearer token is not cookie-authenticated', async () => {
    const { token } = await signedIn();
    const me = await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Cookie', `${SESSION}=${token}`], ['Authorization', 'Bearer junk']] });
    expect(me.status).toBe(401);
  });
});

describe('S5 cookie attributes', () => {
  function expectHostOnlyRoot(cookie: ReturnType<typeof parseSetCookie>): void {
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.has('domain')).toBe(false);
  }

  /** csrf, signup (remember), login, password change, logout: every Set-Cookie of a full flow. */
  async function fullFlow(target: TestServer, origin: string): Promise<Answer[]> {
    const client = new Client(target.url, origin);
    const email = uniqueEmail('s5');
    const answers = [await client.csrf(), await client.signup(email, PASSWORD, true)];
    answers.push(await client.login(email, PASSWORD, false));
    answers.push(await client.request('/auth/password', { json: { currentPassword: PASSWORD, newPassword: `${PASSWORD}!` } }));
    answers.push(await client.request('/auth/logout', { method: 'POST' }));
    for (const answer of answers) expect(answer.status, answer.text).toBeLessThan(300);
    return answers;
  }

  it('S5 towards a cross-site app the session cookie is __Host-, HttpOnly, Secure, Path=/, host-only, SameSite=None and Partitioned, a browser-session cookie', async () => {
    const { answer } = await signedIn();
    const session = cookieOf(answer, SESSION)!;
    expect(session.name.startsWith('__Host-')).toBe(true);
    expect(session.attributes.has('httponly')).toBe(true);
    expect(session.attributes.has('secure')).toBe(true);
    expect(session.attributes.get('samesite')?.toLowerCase()).toBe('none');
    expect(session.attributes.has('partitioned')).toBe(true);
    expectHostOnlyRoot(session);
    expect(session.attributes.has('max-age')).toBe(false);
    expect(session.attributes.has('expires')).toBe(false);
    // No readable CSRF cookie for a cross-site caller: it could not read it anyway.
    for (const line of answer.cookies) expect(parseSetCookie(line).attributes.has('httponly'), line).toBe(true);
  });

  it('S5 the capacitor://localhost app origin also gets SameSite=None; Secure; Partitioned', async () => {
    const { answer } = await signedIn(server, false, 'capacitor://localhost');
    const session = cookieOf(answer, SESSION)!;
    expect(session.attributes.get('samesite')?.toLowerCase()).toBe('none');
    expect(session.attributes.has('partitioned')).toBe(true);
    expect(session.attributes.has('secure')).toBe(true);
  });

  it('S5 a "remember me" session cookie has Max-Age of 90 days; without remember it has neither Max-Age nor Expires', async () => {
    const remembered = await signedIn(server, true);
    expect(cookieOf(remembered.answer, SESSION)!.attributes.get('max-age')).toBe(String(90 * 86400));
    const plain = await signedIn(server, false);
    const cookie = cookieOf(plain.answer, SESSION)!;
    expect(cookie.attributes.has('max-age')).toBe(false);
    expect(cookie.attributes.has('expires')).toBe(false);
    // The pre-session cookie is never persistent.
    expect(cookieOf(remembered.answer, PRE)!.attributes.has('max-age')).toBe(false);
  });

  it('S5 towards a same-site app the session cookie is SameSite=Lax, Secure, __Host-, not Partitioned, and the readable CSRF cookie is the only one without HttpOnly', async () => {
    const sameSite = await pool.start({ publicUrl: 'https://api.example.com' });
    const answers = await fullFlow(sameSite, APP_ORIGIN);
    const signup = answers[1]!;
    const session = cookieOf(signup, SESSION)!;
    expect(session.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expect(session.attributes.has('secure')).toBe(true);
    expect(session.attributes.has('httponly')).toBe(true);
    expect(session.attributes.has('partitioned')).toBe(false);
    expectHostOnlyRoot(session);
    const readable = cookieOf(signup, 'XSRF-TOKEN')!;
    expect(readable).toBeDefined();
    expect(readable.value).toBe(signup.headers['x-csrf-token']);
    expect(readable.attributes.has('httponly')).toBe(false);
    expect(readable.attributes.get('path')).toBe('/');
    for (const answer of answers) {
      for (const line of answer.cookies) {
        const cookie = parseSetCookie(line);
        expect(cookie.attributes.has('httponly'), line).toBe(cookie.name !== 'XSRF-TOKEN');
      }
    }
  });

  it('S5 a plain-http same-site deployment drops Secure and so the __Host- prefix, and keeps HttpOnly and SameSite=Lax', async () => {
    const plain = await pool.start({ publicUrl: 'http://api.example.com', origins: ['http://app.example.com'] });
    const client = new Client(plain.url, 'http://app.example.com');
    const answer = await client.signup(uniqueEmail('s5'));
    expect(answer.status).toBe(201);
    const session = cookieOf(answer, PLAIN_SESSION)!;
    expect(session).toBeDefined();
    expect(session.attributes.has('secure')).toBe(false);
    expect(session.attributes.has('httponly')).toBe(true);
    expect(session.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expectHostOnlyRoot(session);
    expect(cookieOf(answer, SESSION)).toBeUndefined();
  });

  it('S5 every Set-Cookie of a full flow, in every cookie mode, is under 4096 bytes and never carries a Domain', async () => {
    const sameSite = await pool.start({ publicUrl: 'https://api.example.com' });
    const lines = [...(await fullFlow(server, APP_ORIGIN)), ...(await fullFlow(server, 'capacitor://localhost')), ...(await fullFlow(sameSite, APP_ORIGIN))].flatMap((answer) => answer.cookies);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(Buffer.byteLength(line), line).toBeLessThan(4096);
      expect(parseSetCookie(line).attributes.has('domain'), line).toBe(false);
      const cookie = parseSetCookie(line);
      if (cookie.name.startsWith('__Host-')) {
        expect(cookie.attributes.has('secure')).toBe(true);
        expect(cookie.attributes.get('path')).toBe('/');
      }
    }
  });
});

describe('S6 idle timeout', () => {
  it('S6 an idle session past its 12 h timeout answers 401', async () => {
    const { token } = await signedIn();
    server.advance(12 * HOUR - 60_000);
    const other = await signedIn();
    expect((await meWith(other.token)).status).toBe(200);
    server.advance(60_000);
    expect((await meWith(token)).status).toBe(401);
    expect(await storedSession(token)).toBeNull();
  });

  it('S6 a request within the idle window renews the session (sliding renewal)', async () => {
    const { token } = await signedIn();
    server.advance(11 * HOUR);
    expect((await meWith(token)).status).toBe(200);
    server.advance(11 * HOUR);
    // 22 h after login, 11 h after the last request.
    expect((await meWith(token)).status).toBe(200);
    server.advance(12 * HOUR);
    expect((await meWith(token)).status).toBe(401);
  });

  it('S6 the sliding renewal is written to the store at most once a minute, not on every request', async () => {
    const { token } = await signedIn();
    const touch = vi.spyOn(server.auth.core.store, 'touchSession');
    try {
      for (let i = 0; i < 20; i += 1) {
        server.advance(2000);
        expect((await meWith(token)).status).toBe(200);
      }
      expect(touch).not.toHaveBeenCalled();
      server.advance(21_000);
      expect((await meWith(token)).status).toBe(200);
      expect(touch).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 10; i += 1) expect((await meWith(token)).status).toBe(200);
      expect(touch).toHaveBeenCalledTimes(1);
    } finally {
      touch.mockRestore();
    }
  });

  it('S6 a request inside the renewal interval does not move the idle deadline; one after it does', async () => {
    const early = await signedIn();
    server.advance(30_000);
    expect((await meWith(early.token)).status).toBe(200);
    // The 30 s request was not written, so the deadline is still 12 h after login.
    server.advance(12 * HOUR - 30_000);
    expect((await meWith(early.token)).status).toBe(401);

    const late = await signedIn();
    server.advance(90_000);
    expect((await meWith(late.token)).status).toBe(200);
    server.advance(12 * HOUR - 90_000);
    expect((await meWith(late.token)).status).toBe(200);
  });

  it('S6 a remember-me cookie that outlives the server idle timeout (Max-Age 90 days, idle 30 days) still answers 401 after 30 idle days', async () => {
    const { token, answer } = await signedIn(server, true);
    expect(Number(cookieOf(answer, SESSION)!.attributes.get('max-age'))).toBeGreaterThan(30 * 86400);
    server.advance(29 * DAY);
    expect((await meWith(token)).status).toBe(200);
    server.advance(30 * DAY);
    expect((await meWith(token)).status).toBe(401);
  });

  it('S6 an idle timeout from configuration is enforced (idleTimeoutSeconds: 60)', async () => {
    const short = await pool.start({ overrides: { session: { idleTimeoutSeconds: 60, renewIntervalSeconds: 10 } } });
    const { token } = await signedIn(short);
    short.advance(59_000);
    expect((await meWith(token, short)).status).toBe(200);
    short.advance(59_000);
    expect((await meWith(token, short)).status).toBe(200);
    short.advance(60_000);
    expect((await meWith(token, short)).status).toBe(401);
  });
});

describe('S7 absolute lifetime', () => {
  it('S7 a session kept active past 7 days answers 401', async () => {
    const { token } = await signedIn();
    let elapsed = 0;
    while (elapsed + 11 * HOUR < 7 * DAY) {
      server.advance(11 * HOUR);
      elapsed += 11 * HOUR;
      expect((await meWith(token)).status, `after ${elapsed / HOUR} h`).toBe(200);
    }
    server.advance(7 * DAY - elapsed - 1000);
    expect((await meWith(token)).status).toBe(200);
    server.advance(1000);
    expect((await meWith(token)).status).toBe(401);
  });

  it('S7 a remember-me session kept active past 90 days answers 401', async () => {
    const { token } = await signedIn(server, true);
    for (let day = 29; day < 90; day += 29) {
      server.advance(29 * DAY);
      expect((await meWith(token)).status).toBe(200);
    }
    server.advance(29 * DAY);
    expect((await meWith(token)).status).toBe(401);
  });
});

describe('S8 logout', () => {
  it('S8 after logout the old cookie and the old CSRF token are refused, and Set-Cookie expires the cookie', async () => {
    const { client, token } = await signedIn();
    expect((await client.request('/api/notes', { json: { text: 'before logout' } })).status).toBe(201);
    const oldCsrf = client.csrfToken!;
    const oldCookie = client.cookieHeader()!;
    const logout = await client.request('/auth/logout', { method: 'POST' });
    expect(logout.status).toBe(204);
    const cleared = cookieOf(logout, SESSION)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.get('max-age')).toBe('0');
    expect(new Date(cleared.attributes.get('expires')!).getTime()).toBeLessThanOrEqual(Date.now());
    // A deletion must match the cookie it deletes: same prefix, Path, Secure, Partitioned.
    expect(cleared.attributes.get('path')).toBe('/');
    expect(cleared.attributes.has('secure')).toBe(true);
    expect(cleared.attributes.has('partitioned')).toBe(true);
    expect(logout.headers['x-csrf-token']).toBeDefined();
    expect(logout.headers['x-csrf-token']).not.toBe(oldCsrf);

    expect(await storedSession(token)).toBeNull();
    expect((await meWith(token)).status).toBe(401);
    const replayHeaders: [string, string][] = [['Origin', APP_ORIGIN], ['Cookie', oldCookie], ['X-CSRF-Token', oldCsrf]];
    const replay = await send(server.url, '/api/notes', { headers: replayHeaders, json: { text: 'replayed' } });
    expect([401, 403]).toContain(replay.status);
    const replayLogout = await send(server.url, '/auth/logout', { method: 'POST', headers: replayHeaders });
    expect([401, 403]).toContain(replayLogout.status);
    expect((await send(server.url, '/api/notes', { headers: [['Origin', APP_ORIGIN], ['Cookie', oldCookie]] })).status).toBe(401);
    // The browser that logged out has no session either.
    expect((await client.request('/auth/me')).status).toBe(401);
  });

  it('S8 logout without a session still answers 204 and clears the cookie', async () => {
    const client = new Client(server.url);
    await client.csrf();
    const logout = await client.request('/auth/logout', { method: 'POST' });
    expect(logout.status).toBe(204);
    expect(cookieOf(logout, SESSION)?.attributes.get('max-age')).toBe('0');
  });
});

describe('S9 password change', () => {
  it('S9 changing the password needs the current password: a wrong or missing one changes nothing', async () => {
    const { client, email, token } = await signedIn();
    const wrong = await client.request('/auth/password', { json: { currentPassword: 'not the password', newPassword: 'a brand new password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalid_credentials');
    const missing = await client.request('/auth/password', { json: { newPassword: 'a brand new password' } });
    expect(missing.status).toBe(400);
    expect((await meWith(token)).status).toBe(200);
    expect((await new Client(server.url).login(email, PASSWORD)).status).toBe(200);
    expect((await new Client(server.url).login(email, 'a brand new password')).status).toBe(401);
  });

  it('S9 a password change needs a session: anonymous callers get 401', async () => {
    const client = new Client(server.url);
    await client.csrf();
    const answer = await client.request('/auth/password', { json: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    expect(answer.status).toBe(401);
  });

  it('S9 a password change rotates the session id, revokes the other sessions, and the current browser keeps working with the new cookie', async () => {
    const a = await signedIn(server, true);
    const b = new Client(server.url);
    expect((await b.login(a.email)).status).toBe(200);
    const bToken = b.jar.get(SESSION)!;
    const csrfBefore = a.client.csrfToken;
    const change = await a.client.request('/auth/password', { json: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    expect(change.status).toBe(204);
    const fresh = sessionTokenOf(change)!;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(a.token);
    expect(change.headers['x-csrf-token']).not.toBe(csrfBefore);
    // "Remember me" carries over to the new cookie.
    expect(cookieOf(change, SESSION)!.attributes.get('max-age')).toBe(String(90 * 86400));

    expect((await meWith(a.token)).status).toBe(401);
    expect((await meWith(bToken)).status).toBe(401);
    expect((await b.request('/auth/me')).status).toBe(401);
    expect((await a.client.request('/auth/me')).json.user.email).toBe(a.email);
    expect((await a.client.request('/api/notes', { json: { text: 'after change' } })).status).toBe(201);

    expect((await new Client(server.url).login(a.email, PASSWORD)).status).toBe(401);
    expect((await new Client(server.url).login(a.email, 'a brand new password')).status).toBe(200);
  });

  it('S9 a too-short new password answers 422 weak_password and keeps the old password and every session', async () => {
    const a = await signedIn();
    const b = new Client(server.url);
    expect((await b.login(a.email)).status).toBe(200);
    const change = await a.client.request('/auth/password', { json: { currentPassword: PASSWORD, newPassword: 'short' } });
    expect(change.status).toBe(422);
    expect(change.json.error.code).toBe('weak_password');
    expect((await meWith(a.token)).status).toBe(200);
    expect((await b.request('/auth/me')).status).toBe(200);
    expect((await new Client(server.url).login(a.email, PASSWORD)).status).toBe(200);
  });
});

describe('S10 concurrent sessions', () => {
  it('S10 two logins get independent ids; logging out one leaves the other; "logout everywhere" ends both', async () => {
    const { email, client: first } = await signedIn();
    const a = new Client(server.url);
    const b = new Client(server.url);
    expect((await a.login(email)).status).toBe(200);
    expect((await b.login(email)).status).toBe(200);
    const aToken = a.jar.get(SESSION)!;
    const bToken = b.jar.get(SESSION)!;
    expect(aToken).not.toBe(bToken);

    expect((await a.request('/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await meWith(aToken)).status).toBe(401);
    expect((await meWith(bToken)).status).toBe(200);
    expect((await first.request('/auth/me')).status).toBe(200);

    expect((await a.login(email)).status).toBe(200);
    const bystander = await signedIn();
    const everywhere = await b.request('/auth/logout', { json: { everywhere: true } });
    expect(everywhere.status).toBe(204);
    expect((await a.request('/auth/me')).status).toBe(401);
    expect((await meWith(bToken)).status).toBe(401);
    expect((await first.request('/auth/me')).status).toBe(401);
    // Another user's session is untouched.
    expect((await meWith(bystander.token)).status).toBe(200);
  });
});

describe('S11 session id entropy', () => {
  it('S11 1000 session ids are unique, 43 base64url characters (256 bits), balanced bit by bit, and carry no user data', async () => {
    const workers = await Promise.all(Array.from({ length: 5 }, () => signedIn()));
    const ids: string[] = workers.map((worker) => worker.token);
    const pre = new Set<string>();
    await Promise.all(
      workers.map(async (worker) => {
        while (ids.length < 1000) {
          const login = await worker.client.login(worker.email);
          expect(login.status).toBe(200);
          ids.push(sessionTokenOf(login)!);
          pre.add(cookieOf(login, PRE)!.value);
        }
      }),
    );
    expect(ids.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pre.size).toBeGreaterThan(990);
    for (const id of [...ids, ...pre]) expect(pre.has(id) && ids.includes(id)).toBe(false);
    const ones = new Array<number>(256).fill(0);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const bytes = Buffer.from(id, 'base64url');
      expect(bytes).toHaveLength(32);
      expect(bytes.toString('base64url')).toBe(id);
      for (let bit = 0; bit < 256; bit += 1) ones[bit]! += (bytes[bit >> 3]! >> (7 - (bit & 7))) & 1;
    }
    // Each of the 256 bits is set in about half of the ids (±150 of 1000 is more than 9 standard
    // deviations): no counter, timestamp or constant inside.
    for (const count of ones) {
      expect(count).toBeGreaterThan(350);
      expect(count).toBeLessThan(650);
    }
    for (const worker of workers) {
      const user = await server.opened.store.getUserByEmail(worker.email);
      for (const id of ids.slice(0, 50)) {
        const bytes = Buffer.from(id, 'base64url').toString('latin1');
        expect(bytes.includes(worker.email) || id.includes(user!.id.slice(0, 8))).toBe(false);
      }
    }
  });

  it('S11 the store keeps only the SHA-256 of a session id, never the id itself', async () => {
    const { token } = await signedIn();
    expect(await server.opened.store.getSession(token, server.auth.core.options.clock())).toBeNull();
    const record = await storedSession(token);
    expect(record).not.toBeNull();
    expect(record!.idHash).toBe(sha256Hex(token));
    expect(JSON.stringify(record)).not.toContain(token);
  });
});

describe('S12 no caching of authenticated data', () => {
  it('S12 authenticated answers carry Cache-Control: no-store and Vary including Cookie', async () => {
    const { client, email, answer } = await signedIn();
    const answers = [answer, await client.request('/auth/me'), await client.request('/api/notes'), await client.request('/api/notes', { json: { text: 'cached?' } }), await client.login(email)];
    for (const each of answers) {
      expect(each.status, each.text).toBeLessThan(300);
      expect(each.headers['cache-control']).toBe('no-store');
      const vary = String(each.headers.vary ?? '')
        .split(',')
        .map((part) => part.trim().toLowerCase());
      expect(vary).toContain('cookie');
    }
  });

  it('S12 the 401 of an anonymous /auth/me is not cacheable either', async () => {
    const me = await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN]] });
    expect(me.status).toBe(401);
    expect(me.headers['cache-control']).toBe('no-store');
  });
});

describe('sweep', () => {
  it('no answer in this file was a 500, and the file made real requests', () => {
    expect(pool.serverErrors()).toEqual([]);
    expect(pool.answered()).toBeGreaterThan(1000);
  });
});
