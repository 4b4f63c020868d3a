import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, Client, send, startTestServer, uniqueEmail, type Answer, type RequestOptions, type TestServer } from './harness.js';
import { cookieOf, parseSetCookie, PRE, SESSION, watchStatuses, type ParsedSetCookie } from './security-helpers.js';

/**
 * security-catalogue.md section 2 (X1–X15), over HTTP against a listening reference server, with
 * crossauth's own rules from DESIGN.md ("How a request flows", step 4): an unsafe request that carries
 * a cookie, or goes to signup/login/logout/password, needs a trusted origin (an allowlisted `Origin`, or
 * `Sec-Fetch-Site: same-origin`) and then a token bound to its session or pre-session secret.
 *
 * The default server's public origin is `http://127.0.0.1:PORT`, so `https://app.example.com` is a
 * cross-site caller there (`SameSite=None; Secure; Partitioned`, `__Host-`). Same-site deployments are
 * tested on servers started with `publicUrl`.
 */

const EVIL = 'https://evil.example';
const NO_THROTTLE = { throttle: { signupMaxAttempts: 10_000 } };
const PLAIN_PRE = 'crossauth-pre';
const PLAIN_SESSION = 'crossauth-session';

let server: TestServer;
const watched: ReturnType<typeof watchStatuses>[] = [];
const servers: TestServer[] = [];

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer({ ...options, overrides: { ...NO_THROTTLE, ...options.overrides } });
  servers.push(started);
  watched.push(watchStatuses(started));
  return started;
}

beforeAll(async () => {
  server = await start();
});

afterAll(async () => {
  await Promise.all(servers.map((running) => running.close()));
  // No answer of this file, on any server, was a 500.
  for (const statuses of watched) expect(statuses.all.filter((entry) => entry.status >= 500)).toEqual([]);
});

/** A client signed up from `origin` (default: the SPA), holding its session cookie and latest token. */
async function newUser(target: TestServer = server, origin: string = APP_ORIGIN): Promise<Client> {
  const client = new Client(target.url, origin);
  const answer = await client.signup(uniqueEmail('csrf'));
  expect(answer.status).toBe(201);
  return client;
}

async function noteCount(client: Client): Promise<number> {
  const answer = await send(client.baseUrl, '/api/notes', { headers: [['Cookie', client.cookieHeader()!]] });
  expect(answer.status).toBe(200);
  return answer.json.notes.length;
}

/** The cookie header a client would send, with some cookies replaced, added (first) or removed. */
function cookieWith(client: Client, changes: Record<string, string | null>, first: Record<string, string> = {}): string {
  const jar = new Map(client.jar);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) jar.delete(name);
    else jar.set(name, value);
  }
  const pairs = [...Object.entries(first), ...[...jar].filter(([name]) => !Object.hasOwn(first, name))];
  return pairs.map(([name, value]) => `${name}=${value}`).join('; ');
}

interface ForgeOptions extends RequestOptions {
  /** `Origin` to send; `undefined` sends none. */
  origin?: string;
  /** Token for `X-CSRF-Token`. */
  token?: string;
  /** A whole `Cookie` header instead of the client's; `null` sends none. */
  cookie?: string | null;
}

/** A request built by hand from a client's cookies; the client's jar and token are not touched. */
function forge(client: Client, path: string, options: ForgeOptions = {}): Promise<Answer> {
  const pairs: [string, string][] = Array.isArray(options.headers) ? [...options.headers] : Object.entries(options.headers ?? {});
  const cookie = options.cookie === undefined ? client.cookieHeader() : options.cookie;
  if (cookie !== undefined && cookie !== null) pairs.push(['Cookie', cookie]);
  if (options.origin !== undefined) pairs.push(['Origin', options.origin]);
  if (options.token !== undefined) pairs.push(['X-CSRF-Token', options.token]);
  return send(client.baseUrl, path, { ...options, headers: pairs });
}

function expectRefused(answer: Answer, code: string | string[], what = ''): void {
  const codes = Array.isArray(code) ? code : [code];
  expect(answer.status, what).toBe(403);
  expect(codes, what).toContain(answer.json?.error?.code);
}

function setCookies(answer: Answer): ParsedSetCookie[] {
  return answer.cookies.map(parseSetCookie);
}

describe('CSRF (security-catalogue section 2)', () => {
  it('X1 refuses every unsafe method, extension methods included, without a token, and lets a tokened POST through', async () => {
    const user = await newUser();
    const before = await noteCount(user);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', 'MKCOL', 'LOCK', 'TRACE']) {
      const withBody = ['POST', 'PUT', 'PATCH'].includes(method);
      const answer = await user.request('/api/notes', withBody ? { method, json: { text: method }, csrf: false } : { method, csrf: false });
      expectRefused(answer, 'csrf_missing', method);
    }
    // Auth routes too: a body-less logout, and methods the route does not even answer.
    expectRefused(await user.request('/auth/logout', { method: 'POST', csrf: false }), 'csrf_missing', 'POST /auth/logout');
    expectRefused(await user.request('/auth/logout', { method: 'DELETE', csrf: false }), 'csrf_missing', 'DELETE /auth/logout');
    expectRefused(await user.request('/auth/me', { method: 'PUT', json: {}, csrf: false }), 'csrf_missing', 'PUT /auth/me');
    expect((await user.request('/auth/me')).status).toBe(200);
    expect(await noteCount(user)).toBe(before);

    // The same requests with the token get past the check: POST writes, the others reach the route.
    expect((await user.request('/api/notes', { json: { text: 'with token' } })).status).toBe(201);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'PROPFIND']) {
      const answer = await user.request('/api/notes', ['PUT', 'PATCH'].includes(method) ? { method, json: { text: method } } : { method });
      expect(answer.status, method).toBe(405);
      expect(answer.json.error.code, method).toBe('method_not_allowed');
    }
    expect(await noteCount(user)).toBe(before + 1);
  });

  it('X2 refuses every malformed or wrong token with 403 (never 500), a huge one fast, and replaces a garbage pre-session cookie', async () => {
    const user = await newUser();
    const good = user.csrfToken!;
    const before = await noteCount(user);
    const flipped = good[10] === 'A' ? 'B' : 'A';
    const values: [string, string, string][] = [
      ['empty', '', 'csrf_missing'],
      ['16 a', 'a'.repeat(16), 'csrf_invalid'],
      ['64 *', '*'.repeat(64), 'csrf_invalid'],
      ['64 a', 'a'.repeat(64), 'csrf_invalid'],
      ['86 a (right length, wrong value)', 'a'.repeat(86), 'csrf_invalid'],
      ['86 A (all-zero bytes)', 'A'.repeat(86), 'csrf_invalid'],
      ['one character changed', good.slice(0, 10) + flipped + good.slice(11), 'csrf_invalid'],
      ['one character more', `${good}A`, 'csrf_invalid'],
      ['one character less', good.slice(0, -1), 'csrf_invalid'],
      ['base64 instead of base64url', Buffer.from(good, 'base64url').toString('base64'), 'csrf_invalid'],
      ['padded', `${good}==`, 'csrf_invalid'],
      ['non-ASCII', `tökén-${'ß'.repeat(80)}`, 'csrf_invalid'],
      ['10 000 characters', 'a'.repeat(10_000), 'csrf_invalid'],
      ['the token twice', `${good},${good}`, 'csrf_invalid'],
      ['JSON', JSON.stringify({ csrfToken: good }), 'csrf_invalid'],
    ];
    for (const [what, value, code] of values) {
      for (const name of ['X-CSRF-Token', 'X-XSRF-TOKEN', 'X-CSRFToken']) {
        const answer = await user.request('/api/notes', { json: { text: what }, csrf: false, headers: [[name, value]] });
        expectRefused(answer, code, `${name}: ${what}`);
      }
    }
    // Two token headers arrive joined and fail, even when both are the good token.
    expectRefused(await user.request('/api/notes', { json: { text: 'dup' }, csrf: false, headers: [['X-CSRF-Token', good], ['X-CSRF-Token', good]] }), 'csrf_invalid');
    expectRefused(await user.request('/api/notes', { json: { text: 'dup' }, csrf: false, headers: [['X-CSRF-Token', 'a'.repeat(86)], ['X-CSRF-Token', good]] }), 'csrf_invalid');

    // 100 000 characters in the header, or in the pre-session cookie: a fast 4xx (node:http refuses
    // headers over 16 KiB with 431 before crossauth sees them), never a 500 or a hang.
    for (const [what, options] of [
      ['header', { token: 'a'.repeat(100_000) }],
      ['cookie', { token: good, cookie: cookieWith(user, { [PRE]: 'a'.repeat(100_000) }) }],
    ] as const) {
      const started = performance.now();
      const answer = await forge(user, '/api/notes', { origin: APP_ORIGIN, json: { text: 'huge' }, ...options });
      expect(performance.now() - started, what).toBeLessThan(1000);
      expect([403, 431], what).toContain(answer.status);
    }
    // A garbage session cookie with the good token: no session, no pass, no 500.
    for (const garbage of ['*'.repeat(64), 'a'.repeat(10_000), '%', '"quoted"']) {
      const answer = await forge(user, '/api/notes', { origin: APP_ORIGIN, token: good, json: { text: 'garbage' }, cookie: cookieWith(user, { [SESSION]: garbage }) });
      expect(answer.status, garbage.slice(0, 10)).toBe(403);
    }
    expect(await noteCount(user)).toBe(before);
    expect((await user.request('/api/notes', { json: { text: 'still works' } })).status).toBe(201);

    // A garbage or oversized pre-session cookie is replaced by the next GET /auth/csrf.
    for (const garbage of ['*'.repeat(64), 'a'.repeat(10_000), 'short']) {
      const anonymous = new Client(server.url);
      anonymous.jar.set(PRE, garbage);
      const csrf = await anonymous.csrf();
      expect(csrf.status).toBe(200);
      expect(csrf.json.cookies).toBe(false);
      const fresh = cookieOf(csrf, PRE);
      expect(fresh?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(anonymous.jar.get(PRE)).toBe(fresh!.value);
      // The new pair verifies: an anonymous POST gets past CSRF to the route's 401.
      const probe = await anonymous.request('/api/notes', { json: { text: 'probe' } });
      expect(probe.status).toBe(401);
    }
  });

  it("X3 refuses a token from the attacker's own session or pre-session with the victim's cookie", async () => {
    const victim = await newUser();
    const attacker = await newUser();
    const anonymousAttacker = new Client(server.url);
    await anonymousAttacker.csrf();
    const before = await noteCount(victim);
    for (const [what, token] of [
      ["attacker's session token", attacker.csrfToken!],
      ["attacker's pre-session token", anonymousAttacker.csrfToken!],
    ] as const) {
      expectRefused(await forge(victim, '/api/notes', { origin: APP_ORIGIN, token, json: { text: what } }), 'csrf_invalid', what);
      // With the attacker's own pre-session cookie tossed in first (the double-submit pair), still refused.
      const cookie = cookieWith(victim, {}, { [PRE]: anonymousAttacker.jar.get(PRE)! });
      expectRefused(await forge(victim, '/api/notes', { origin: APP_ORIGIN, token, cookie, json: { text: what } }), 'csrf_invalid', `${what} + cookie`);
      expectRefused(await forge(victim, '/auth/logout', { origin: APP_ORIGIN, token, method: 'POST' }), 'csrf_invalid', `logout with ${what}`);
    }
    expect((await victim.request('/auth/me')).status).toBe(200);
    expect(await noteCount(victim)).toBe(before);
  });

  it('X4 takes the token only from its request headers: not from a cookie, the query string, the body or another header', async () => {
    const user = await newUser();
    const token = user.csrfToken!;
    const before = await noteCount(user);
    const refused: [string, Promise<Answer>][] = [
      ['token in cookies only', forge(user, '/api/notes', { origin: APP_ORIGIN, json: { text: 'x' }, cookie: cookieWith(user, { 'XSRF-TOKEN': token, csrftoken: token, 'X-CSRF-Token': token }) })],
      ['?csrf=', user.request(`/api/notes?csrf=${token}`, { json: { text: 'x' }, csrf: false })],
      ['?csrfToken=', user.request(`/api/notes?csrfToken=${token}`, { json: { text: 'x' }, csrf: false })],
      ['?_csrf=', user.request(`/api/notes?_csrf=${token}`, { json: { text: 'x' }, csrf: false })],
      ['?X-CSRF-Token=', user.request(`/api/notes?X-CSRF-Token=${token}`, { json: { text: 'x' }, csrf: false })],
      ['body fields', user.request('/api/notes', { json: { text: 'x', csrfToken: token, _csrf: token, csrf: token }, csrf: false })],
    ];
    for (const name of ['X-CSRF', 'CSRF-Token', 'X-CSRF-Tokens', 'X-XSRF', 'XSRF-TOKEN', 'X-CSRF_Token', 'X-Requested-With', 'CSRFToken']) {
      refused.push([`header ${name}`, user.request('/api/notes', { json: { text: 'x' }, csrf: false, headers: [[name, token]] })]);
    }
    for (const [what, pending] of refused) expectRefused(await pending, 'csrf_missing', what);
    expect(await noteCount(user)).toBe(before);

    // The three documented header names work, in any case.
    for (const name of ['X-CSRF-Token', 'X-XSRF-TOKEN', 'X-CSRFToken', 'x-csrf-token', 'X-XSRF-Token']) {
      const answer = await user.request('/api/notes', { json: { text: name }, csrf: false, headers: [[name, token]] });
      expect(answer.status, name).toBe(201);
    }
    expect(await noteCount(user)).toBe(before + 5);
  });

  it('X5 rotates the token at signup, login and logout, so a token from before never works after', async () => {
    // Signup.
    const signer = new Client(server.url);
    await signer.csrf();
    const beforeSignup = signer.csrfToken!;
    const preBefore = signer.jar.get(PRE);
    const email = uniqueEmail('x5');
    expect((await signer.signup(email)).status).toBe(201);
    expect(signer.csrfToken).not.toBe(beforeSignup);
    expect(signer.jar.get(PRE)).not.toBe(preBefore);
    expectRefused(await forge(signer, '/api/notes', { origin: APP_ORIGIN, token: beforeSignup, json: { text: 't0' } }), 'csrf_invalid');
    expect((await signer.request('/api/notes', { json: { text: 't1' } })).status).toBe(201);

    // Login.
    const client = new Client(server.url);
    await client.csrf();
    const t0 = client.csrfToken!;
    expect((await client.login(email)).status).toBe(200);
    const t1 = client.csrfToken!;
    expect(t1).not.toBe(t0);
    expectRefused(await forge(client, '/api/notes', { origin: APP_ORIGIN, token: t0, json: { text: 't0' } }), 'csrf_invalid');
    expectRefused(await forge(client, '/auth/logout', { origin: APP_ORIGIN, token: t0, method: 'POST' }), 'csrf_invalid');
    expect((await client.request('/auth/me')).status).toBe(200);
    expect((await client.request('/api/notes', { json: { text: 't1' } })).status).toBe(201);

    // Logout: the session's token and the old pre-session token are dead; the one logout hands out works.
    const logout = await client.request('/auth/logout', { method: 'POST' });
    expect(logout.status).toBe(204);
    const t2 = client.csrfToken!;
    expect(t2).not.toBe(t1);
    for (const [what, token] of [
      ['session token', t1],
      ['pre-login token', t0],
    ] as const) {
      const answer = await forge(client, '/auth/login', { origin: APP_ORIGIN, token, json: { email, password: 'correct horse battery' } });
      expectRefused(answer, 'csrf_invalid', what);
      expect(cookieOf(answer, SESSION), what).toBeUndefined();
    }
    expect((await client.request('/auth/me')).status).toBe(401);
    expect((await client.login(email)).status).toBe(200);
    expect((await client.request('/auth/me')).status).toBe(200);
  });

  it('X6 masks the token per answer: two fetches differ, both verify, and the underlying cookies do not change', async () => {
    const user = await newUser();
    const jarBefore = new Map(user.jar);
    const first = await user.csrf();
    const second = await user.csrf();
    expect(first.json.csrfToken).toBe(first.headers['x-csrf-token']);
    expect(second.json.csrfToken).toBe(second.headers['x-csrf-token']);
    expect(first.json.csrfToken).not.toBe(second.json.csrfToken);
    expect(first.json.cookies).toBe(true);
    expect(first.cookies).toEqual([]);
    expect(second.cookies).toEqual([]);
    for (const token of [first.json.csrfToken, second.json.csrfToken]) {
      const answer = await forge(user, '/api/notes', { origin: APP_ORIGIN, token, json: { text: 'masked' } });
      expect(answer.status).toBe(201);
      expect(answer.cookies).toEqual([]);
    }
    expect(user.jar).toEqual(jarBefore);

    // Anonymous: the first GET sets the pre-session cookie, the second keeps it; both tokens verify.
    const anonymous = new Client(server.url);
    const a = await anonymous.csrf();
    const b = await anonymous.csrf();
    expect(a.json.cookies).toBe(false);
    expect(b.json.cookies).toBe(true);
    expect(cookieOf(a, PRE)).toBeDefined();
    expect(b.cookies).toEqual([]);
    expect(a.json.csrfToken).not.toBe(b.json.csrfToken);
    for (const token of [a.json.csrfToken, b.json.csrfToken]) {
      // Past the CSRF check, the notes route answers 401: no session.
      expect((await forge(anonymous, '/api/notes', { origin: APP_ORIGIN, token, json: { text: 'probe' } })).status).toBe(401);
    }
  });

  it('X7 applies the origin check before the token: a valid token from a foreign, null, http or unparsable origin is refused', async () => {
    const user = await newUser();
    const before = await noteCount(user);
    const origins = [
      'https://www.evil.org',
      'null',
      'http://app.example.com',
      'https://[',
      'https://app.example.com/',
      'https://app.example.com:443',
      'HTTPS://APP.EXAMPLE.COM',
      'https://app.example.com.evil.org',
      '',
    ];
    for (const origin of origins) {
      expectRefused(await forge(user, '/api/notes', { origin, token: user.csrfToken, json: { text: origin } }), 'origin_not_allowed', `Origin: ${origin}`);
      expectRefused(await forge(user, '/auth/logout', { origin, token: user.csrfToken, method: 'POST' }), 'origin_not_allowed', `logout from ${origin}`);
    }
    // Two Origin headers, even both allowed, are not one allowed origin.
    for (const second of [APP_ORIGIN, EVIL]) {
      const answer = await forge(user, '/api/notes', { headers: [['Origin', APP_ORIGIN], ['Origin', second]], token: user.csrfToken, json: { text: 'two' } });
      expectRefused(answer, 'origin_not_allowed', `Origin twice, then ${second}`);
    }
    // Login from a foreign origin with a complete, valid pre-session pair is refused too.
    const anonymous = new Client(server.url);
    await anonymous.csrf();
    const login = await forge(anonymous, '/auth/login', { origin: EVIL, token: anonymous.csrfToken, json: { email: uniqueEmail(), password: 'correct horse battery' } });
    expectRefused(login, 'origin_not_allowed');
    expect((await user.request('/auth/me')).status).toBe(200);
    expect(await noteCount(user)).toBe(before);
  });

  it('X8 refuses a cookie-bearing unsafe request without Origin whatever its Referer, and accepts Sec-Fetch-Site: same-origin', async () => {
    const user = await newUser();
    const before = await noteCount(user);
    const referers = [
      undefined,
      'http://app.example.com/',
      'http://http://www.example.com/',
      '',
      'ØBöIß',
      '//example.com/',
      'https://',
      'https://[',
      'https://www.evil.org/somepage',
      'https://app.example.com/',
      'https://app.example.com',
      `${server.url}/`,
      server.url,
    ];
    for (const referer of referers) {
      const headers: [string, string][] = referer === undefined ? [] : [['Referer', referer]];
      expectRefused(await forge(user, '/api/notes', { headers, token: user.csrfToken, json: { text: 'referer' } }), 'origin_not_allowed', `Referer: ${referer}`);
    }
    expectRefused(await forge(user, '/auth/logout', { token: user.csrfToken, method: 'POST', headers: [['Referer', 'https://app.example.com/']] }), 'origin_not_allowed');
    expect(await noteCount(user)).toBe(before);
    expect((await user.request('/auth/me')).status).toBe(200);

    // A same-origin page (the browser says so) needs no Origin, but still needs the token.
    const sameOrigin: [string, string] = ['Sec-Fetch-Site', 'same-origin'];
    expectRefused(await forge(user, '/api/notes', { headers: [sameOrigin], json: { text: 'no token' } }), 'csrf_missing');
    expect((await forge(user, '/api/notes', { headers: [sameOrigin], token: user.csrfToken, json: { text: 'same-origin' } })).status).toBe(201);
    expect(await noteCount(user)).toBe(before + 1);
  });

  it('X9 trusts Sec-Fetch-Site same-site or cross-site only with an allowlisted Origin, and no unknown value', async () => {
    const user = await newUser();
    const before = await noteCount(user);
    const cases: [string | undefined, string | undefined, boolean][] = [
      ['same-site', APP_ORIGIN, true],
      ['cross-site', APP_ORIGIN, true],
      ['cross-site', 'capacitor://localhost', true],
      [undefined, APP_ORIGIN, true], // no Fetch Metadata: the Origin check decides
      ['same-site', undefined, false],
      ['cross-site', undefined, false],
      ['same-site', EVIL, false],
      ['cross-site', EVIL, false],
      ['cross-site', 'null', false],
      [undefined, EVIL, false],
      ['foo', undefined, false],
      ['none', undefined, false],
      ['SAME-ORIGIN', undefined, false],
      ['same-origin ; x', undefined, false],
      ['', undefined, false],
    ];
    let passed = 0;
    for (const [site, origin, trusted] of cases) {
      const headers: [string, string][] = site === undefined ? [] : [['Sec-Fetch-Site', site]];
      const answer = await forge(user, '/api/notes', { origin, headers, token: user.csrfToken, json: { text: `${site} ${origin}` } });
      const what = `Sec-Fetch-Site: ${site}, Origin: ${origin}`;
      if (trusted) {
        expect(answer.status, what).toBe(201);
        passed += 1;
      } else {
        expectRefused(answer, 'origin_not_allowed', what);
      }
    }
    // Sec-Fetch-Site sent twice arrives joined, and is not same-origin.
    const twice = await forge(user, '/api/notes', { headers: [['Sec-Fetch-Site', 'same-origin'], ['Sec-Fetch-Site', 'same-origin']], token: user.csrfToken, json: { text: 'twice' } });
    expectRefused(twice, 'origin_not_allowed');
    expect(await noteCount(user)).toBe(before + passed);
  });

  it('X10 refuses simple-request content types (forms, text/plain, none) without a token, from a foreign origin and from the SPA', async () => {
    const user = await newUser();
    const before = await noteCount(user);
    const bodies: [string | undefined, string][] = [
      ['application/x-www-form-urlencoded', 'text=pwned'],
      ['Application/x-www-form-urlencoded', 'text=pwned'],
      ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\npwned\r\n--xyz--\r\n'],
      ['text/plain', '{"text":"pwned"}'],
      ['text/plain;charset=utf-8', '{"text":"pwned"}'],
      ['TEXT/PLAIN', '{"text":"pwned"}'],
      [undefined, '{"text":"pwned"}'],
    ];
    const ways: [string, string | undefined, [string, string][], string][] = [
      ['foreign origin', EVIL, [['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'navigate']], 'origin_not_allowed'],
      ['no origin', undefined, [['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'no-cors']], 'origin_not_allowed'],
      ['the SPA origin without a token', APP_ORIGIN, [], 'csrf_missing'],
    ];
    for (const [type, body] of bodies) {
      for (const [way, origin, extra, code] of ways) {
        const headers: [string, string][] = [...extra];
        if (type !== undefined) headers.push(['Content-Type', type]);
        const answer = await forge(user, '/api/notes', { origin, headers, body, method: 'POST' });
        expectRefused(answer, code, `${type} from ${way}`);
      }
    }
    expect(await noteCount(user)).toBe(before);
  });

  it('X11 refuses login and signup from a foreign origin or with no Origin, and accepts the SPA with its pre-session token', async () => {
    const email = uniqueEmail('x11');
    const password = 'correct horse battery';
    const form = `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`;
    const navigate: [string, string][] = [['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'navigate'], ['Sec-Fetch-Dest', 'document']];
    const nobody = new Client(server.url);
    for (const path of ['/auth/signup', '/auth/login']) {
      for (const origin of [EVIL, 'null', undefined]) {
        const what = `${path} from ${origin}`;
        const asForm = await forge(nobody, path, { origin, cookie: null, headers: [...navigate, ['Content-Type', 'application/x-www-form-urlencoded']], body: form, method: 'POST' });
        expectRefused(asForm, 'origin_not_allowed', `${what} (form)`);
        expect(asForm.cookies, what).toEqual([]);
        const asJson = await forge(nobody, path, { origin, cookie: null, headers: [['Sec-Fetch-Site', 'cross-site']], json: { email, password } });
        expectRefused(asJson, 'origin_not_allowed', `${what} (JSON)`);
        expect(asJson.cookies, what).toEqual([]);
      }
    }
    // Password change from a foreign origin, without a session: refused at the origin check too.
    expectRefused(await forge(nobody, '/auth/password', { origin: EVIL, cookie: null, json: { currentPassword: password, newPassword: 'another long password' } }), 'origin_not_allowed');

    // Nothing was created: the email is still free for the real signup, from the SPA, cross-site.
    const spa = new Client(server.url);
    await spa.csrf();
    expectRefused(await spa.request('/auth/signup', { json: { email, password }, csrf: false }), 'csrf_missing', 'SPA signup without token');
    const noCookie = await forge(spa, '/auth/signup', { origin: APP_ORIGIN, cookie: null, token: spa.csrfToken, json: { email, password } });
    expectRefused(noCookie, 'csrf_invalid', 'SPA signup with token but no pre-session cookie');
    const signup = await spa.request('/auth/signup', { json: { email, password }, headers: [['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'cors']] });
    expect(signup.status).toBe(201);

    const again = new Client(server.url);
    await again.csrf();
    expectRefused(await again.request('/auth/login', { json: { email, password }, csrf: false }), 'csrf_missing', 'SPA login without token');
    const login = await again.request('/auth/login', { json: { email, password }, headers: [['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'cors']] });
    expect(login.status).toBe(200);
    expect(login.json.user.email).toBe(email);

    // A hybrid app origin of the preset logs in the same way.
    const hybrid = new Client(server.url, 'capacitor://localhost');
    expect((await hybrid.login(email)).status).toBe(200);
    expect((await hybrid.request('/auth/me')).status).toBe(200);
  });

  it('X12 keeps logout POST-only: GET /auth/logout answers 405 and ends nothing; a cross-site POST is refused', async () => {
    const user = await newUser();
    for (const method of ['GET', 'HEAD']) {
      const answer = await user.request('/auth/logout', { method });
      expect(answer.status, method).toBe(405);
      if (method === 'GET') expect(answer.json.error.code).toBe('method_not_allowed');
      expect(String(answer.headers.allow), method).toMatch(/POST/);
      expect(cookieOf(answer, SESSION), method).toBeUndefined();
    }
    expect((await user.request('/auth/logout?everywhere=true')).status).toBe(405);
    // A top-level navigation from elsewhere (what SameSite=Lax lets through) changes nothing either.
    const navigation = await forge(user, '/auth/logout', { headers: [['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'navigate']] });
    expect(navigation.status).toBe(405);
    expect((await user.request('/auth/me')).status).toBe(200);

    const attempts: [string, ForgeOptions][] = [
      ['foreign origin, no token', { origin: EVIL, method: 'POST' }],
      ['foreign origin with the token', { origin: EVIL, method: 'POST', token: user.csrfToken }],
      ['foreign origin, form', { origin: EVIL, method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['Sec-Fetch-Site', 'cross-site']], body: 'everywhere=true' }],
      ['no origin with the token', { method: 'POST', token: user.csrfToken, headers: [['Sec-Fetch-Site', 'cross-site']] }],
      ['null origin with the token', { origin: 'null', method: 'POST', token: user.csrfToken }],
    ];
    for (const [what, options] of attempts) {
      const answer = await forge(user, '/auth/logout', options);
      expectRefused(answer, 'origin_not_allowed', what);
      expect(answer.cookies, what).toEqual([]);
    }
    expect((await user.request('/auth/me')).status).toBe(200);
  });

  it('X13 treats only the exact path /auth/logout as logout: look-alike paths never end a session', async () => {
    const user = await newUser();
    const paths = [
      '//auth/logout',
      '/AUTH/logout',
      '/Auth/Logout',
      '/auth/logout/',
      '/auth//logout',
      '/auth/./logout',
      '/auth/x/../logout',
      '/auth/%6cogout',
      '/auth/logout%2f',
      '/auth%2flogout',
      '/auth/logout;',
      '/auth/logout%00',
      '/./auth/logout',
      '/api/../auth/logout',
    ];
    for (const path of paths) {
      for (const token of [user.csrfToken, undefined]) {
        const answer = await user.request(path, { method: 'POST', rawPath: true, csrf: token !== undefined });
        expect([403, 404], `${path} ${token === undefined ? 'without' : 'with'} token`).toContain(answer.status);
        expect(cookieOf(answer, SESSION), path).toBeUndefined();
      }
      expect((await user.request('/auth/me')).status, `after ${path}`).toBe(200);
    }
    // Look-alikes of login reach no handler either, so they never set a session, with or without cookies.
    const email = uniqueEmail('x13');
    expect((await new Client(server.url).signup(email)).status).toBe(201);
    for (const path of ['//auth/login', '/auth/login/', '/AUTH/LOGIN', '/auth//login']) {
      const answer = await send(server.url, path, { rawPath: true, headers: [['Origin', EVIL]], json: { email, password: 'correct horse battery' } });
      expect([403, 404], path).toContain(answer.status);
      expect(answer.cookies, path).toEqual([]);
    }
  });

  it('X14 never treats a request with an Authorization header as the cookie user', async () => {
    const user = await newUser();
    const before = await noteCount(user);
    const authorizations = ['Bearer garbage', 'Bearer ', 'Bearer', '', 'Basic dXNlcjpwYXNz', 'bearer x', `Bearer ${'a'.repeat(64)}`];
    for (const authorization of authorizations) {
      const what = `Authorization: ${JSON.stringify(authorization)}`;
      const me = await user.request('/auth/me', { headers: [['Authorization', authorization]] });
      expect(me.status, what).toBe(401);
      expect(me.json.error.code, what).toBe('unauthenticated');
      const noToken = await user.request('/api/notes', { json: { text: 'bearer' }, csrf: false, headers: [['Authorization', authorization]] });
      expect([401, 403], what).toContain(noToken.status);
      const withToken = await user.request('/api/notes', { json: { text: 'bearer' }, headers: [['Authorization', authorization]] });
      expect([401, 403], `${what} with the CSRF token`).toContain(withToken.status);
      const logout = await user.request('/auth/logout', { method: 'POST', headers: [['Authorization', authorization]] });
      expect(logout.status, `logout, ${what}`).not.toBe(204);
    }
    expect((await user.request('/auth/me')).status).toBe(200);
    expect(await noteCount(user)).toBe(before);

    // A bearer-only request (no cookie, no Origin) is not put through the CSRF check: a bad token is simply unauthenticated.
    const bare = await send(server.url, '/api/notes', { headers: [['Authorization', 'Bearer garbage']], json: { text: 'bearer only' } });
    expect(bare.status).toBe(401);
    expect(bare.json.error.code).toBe('unauthenticated');
  });

  it('X15 sets __Host- cookies with Secure, Path=/ and no Domain towards a cross-site SPA, and no readable token cookie', async () => {
    const client = new Client(server.url);
    const csrf = await client.csrf();
    const signup = await client.signup(uniqueEmail('x15'), 'correct horse battery', true);
    const logout = await client.request('/auth/logout', { method: 'POST' });
    expect(logout.status).toBe(204);
    const lines = [...setCookies(csrf), ...setCookies(signup), ...setCookies(logout)];
    expect(lines.map((cookie) => cookie.name).sort()).toEqual([PRE, PRE, PRE, SESSION, SESSION].sort());
    for (const cookie of lines) {
      expect(cookie.name, cookie.line).toMatch(/^__Host-/);
      expect(cookie.attributes.has('secure'), cookie.line).toBe(true);
      expect(cookie.attributes.has('httponly'), cookie.line).toBe(true);
      expect(cookie.attributes.get('path'), cookie.line).toBe('/');
      expect(cookie.attributes.has('domain'), cookie.line).toBe(false);
      expect(cookie.attributes.get('samesite')?.toLowerCase(), cookie.line).toBe('none');
      expect(cookie.attributes.has('partitioned'), cookie.line).toBe(true);
    }
    // Logout deletes the session cookie under the same name and attributes.
    expect(cookieOf(logout, SESSION)?.attributes.get('max-age')).toBe('0');
  });

  it('X15 sets __Host- SameSite=Lax cookies and a readable XSRF-TOKEN for a same-site SPA on an https API', async () => {
    const api = await start({ publicUrl: 'https://api.example.com' });
    const client = new Client(api.url);
    const csrf = await client.csrf();
    const signup = await client.signup(uniqueEmail('x15-same'));
    expect(signup.status).toBe(201);
    for (const answer of [csrf, signup]) {
      const readable = cookieOf(answer, 'XSRF-TOKEN');
      expect(readable?.value).toBe(answer.headers['x-csrf-token']);
      expect(readable!.attributes.has('httponly')).toBe(false);
      expect(readable!.attributes.has('secure')).toBe(true);
      expect(readable!.attributes.get('samesite')?.toLowerCase()).toBe('lax');
      expect(readable!.attributes.get('path')).toBe('/');
    }
    const auth = [cookieOf(csrf, PRE), cookieOf(signup, PRE), cookieOf(signup, SESSION)];
    for (const cookie of auth) {
      expect(cookie, 'auth cookie set').toBeDefined();
      expect(cookie!.attributes.has('secure'), cookie!.line).toBe(true);
      expect(cookie!.attributes.has('httponly'), cookie!.line).toBe(true);
      expect(cookie!.attributes.get('path'), cookie!.line).toBe('/');
      expect(cookie!.attributes.has('domain'), cookie!.line).toBe(false);
      expect(cookie!.attributes.get('samesite')?.toLowerCase(), cookie!.line).toBe('lax');
      expect(cookie!.attributes.has('partitioned'), cookie!.line).toBe(false);
    }
    for (const answer of [csrf, signup]) {
      expect(answer.cookies.map(parseSetCookie).filter((cookie) => cookie.name.includes('crossauth') && !cookie.name.startsWith('__Host-'))).toEqual([]);
    }
    // The classic interceptor works: copy the readable cookie into X-XSRF-TOKEN.
    const copied = await client.request('/api/notes', { json: { text: 'interceptor' }, csrf: false, headers: [['X-XSRF-TOKEN', client.jar.get('XSRF-TOKEN')!]] });
    expect(copied.status).toBe(201);
  });

  it('X15 sets plain, non-Secure SameSite=Lax cookies for a same-site SPA on an http API (development)', async () => {
    const dev = await start({ publicUrl: 'http://localhost:3000', origins: ['http://localhost:5173'] });
    const client = new Client(dev.url, 'http://localhost:5173');
    const csrf = await client.csrf();
    const signup = await client.signup(uniqueEmail('x15-dev'));
    expect(signup.status).toBe(201);
    for (const cookie of [cookieOf(csrf, PLAIN_PRE), cookieOf(signup, PLAIN_SESSION), cookieOf(signup, 'XSRF-TOKEN')]) {
      expect(cookie, 'cookie set').toBeDefined();
      expect(cookie!.attributes.has('secure'), cookie!.line).toBe(false);
      expect(cookie!.attributes.get('samesite')?.toLowerCase(), cookie!.line).toBe('lax');
      expect(cookie!.attributes.has('domain'), cookie!.line).toBe(false);
      expect(cookie!.attributes.get('path'), cookie!.line).toBe('/');
    }
    expect(cookieOf(signup, PLAIN_SESSION)!.attributes.has('httponly')).toBe(true);
    expect(signup.cookies.some((line) => line.startsWith('__Host-'))).toBe(false);
    expect((await client.request('/api/notes', { json: { text: 'dev' } })).status).toBe(201);
  });

  it('X15 uses only the __Host- cookie when a plain-named one arrives with it', async () => {
    const alice = await newUser();
    const bob = await newUser();
    const aliceSession = alice.jar.get(SESSION)!;
    const bobSession = bob.jar.get(SESSION)!;
    for (const cookie of [
      `${PLAIN_SESSION}=${bobSession}; ${SESSION}=${aliceSession}`,
      `${SESSION}=${aliceSession}; ${PLAIN_SESSION}=${bobSession}`,
    ]) {
      const me = await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Cookie', cookie]] });
      expect(me.status, cookie).toBe(200);
      expect(me.json.user.email, cookie).toBe((await alice.request('/auth/me')).json.user.email);
    }
    // A broken __Host- session is not rescued by a valid plain one.
    const broken = await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Cookie', `${SESSION}=${'x'.repeat(43)}; ${PLAIN_SESSION}=${bobSession}`]] });
    expect(broken.status).toBe(401);

    // Pre-session: a tossed plain cookie with the attacker's secret does not bind the token.
    const victim = new Client(server.url);
    await victim.csrf();
    const attacker = new Client(server.url);
    await attacker.csrf();
    const cookie = `${PLAIN_PRE}=${attacker.jar.get(PRE)!}; ${PRE}=${victim.jar.get(PRE)!}`;
    expectRefused(await forge(victim, '/api/notes', { origin: APP_ORIGIN, cookie, token: attacker.csrfToken, json: { text: 'x' } }), 'csrf_invalid');
    expect((await forge(victim, '/api/notes', { origin: APP_ORIGIN, cookie, token: victim.csrfToken, json: { text: 'x' } })).status).toBe(401);
  });

  it('X15 ignores plain-named session and pre-session cookies when the API is https, so a tossed one binds nothing', async () => {
    const api = await start({ publicUrl: 'https://api.example.com' });
    const attacker = await newUser(api);
    const anonymousAttacker = new Client(api.url);
    await anonymousAttacker.csrf();
    // A sibling subdomain can set `crossauth-session` / `crossauth-pre` with Domain=example.com, never `__Host-`.
    const tossedSession = `${PLAIN_SESSION}=${attacker.jar.get(SESSION)!}`;
    const me = await send(api.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Cookie', tossedSession]] });
    expect(me.status).toBe(401);
    const write = await send(api.url, '/api/notes', {
      headers: [['Origin', APP_ORIGIN], ['Cookie', tossedSession], ['X-CSRF-Token', attacker.csrfToken!]],
      json: { text: 'into the attacker account' },
    });
    expect(write.status).not.toBe(201);
    const tossedPre = `${PLAIN_PRE}=${anonymousAttacker.jar.get(PRE)!}`;
    const csrf = await send(api.url, '/auth/csrf', { headers: [['Origin', APP_ORIGIN], ['Cookie', tossedPre]] });
    expect(csrf.json.cookies).toBe(false);
    expect(cookieOf(csrf, PRE)).toBeDefined();
    const probe = await send(api.url, '/api/notes', { headers: [['Origin', APP_ORIGIN], ['Cookie', tossedPre], ['X-CSRF-Token', anonymousAttacker.csrfToken!]], json: { text: 'x' } });
    expectRefused(probe, 'csrf_invalid');
  });

  it('X15 refuses a readable XSRF-TOKEN cookie tossed with a foreign value, even when the interceptor copies it', async () => {
    const api = await start({ publicUrl: 'https://api.example.com' });
    const victim = await newUser(api);
    const attacker = await newUser(api);
    const anonymousAttacker = new Client(api.url);
    await anonymousAttacker.csrf();
    const before = await noteCount(victim);
    for (const [what, tossed] of [
      ["attacker's session token", attacker.jar.get('XSRF-TOKEN')!],
      ["attacker's pre-session token", anonymousAttacker.jar.get('XSRF-TOKEN')!],
      ['garbage', 'a'.repeat(86)],
    ] as const) {
      // The sibling's cookie comes first (more specific path, older): the interceptor reads and copies it.
      const cookie = cookieWith(victim, {}, { 'XSRF-TOKEN': tossed });
      const answer = await forge(victim, '/api/notes', { origin: APP_ORIGIN, cookie, headers: [['X-XSRF-TOKEN', tossed]], json: { text: what } });
      expectRefused(answer, 'csrf_invalid', what);
    }
    expect(await noteCount(victim)).toBe(before);
  });
});
