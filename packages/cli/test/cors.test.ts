import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, Client, send, startTestServer, uniqueEmail, type Answer, type RequestOptions, type TestServer } from './harness.js';
import { watchStatuses } from './security-helpers.js';

/**
 * security-catalogue.md section 1 (C1–C13), over HTTP against a listening reference server. The
 * default server allows `https://app.example.com` and the `capacitor` preset; other servers are
 * started where a case needs another allowlist. The [BROWSER] halves (C7's sandboxed iframe) live in
 * the browser suite.
 */

const EVIL = 'https://evil.example';
const NO_THROTTLE = { throttle: { signupMaxAttempts: 10_000 } };

let server: TestServer;
let statuses: ReturnType<typeof watchStatuses>;
/** Signed up from the SPA origin; its cookies are reused by forged requests. */
let alice: Client;
const extraServers: TestServer[] = [];
const extraStatuses: ReturnType<typeof watchStatuses>[] = [];

async function startExtra(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const extra = await startTestServer({ ...options, overrides: { ...NO_THROTTLE, ...options?.overrides } });
  extraServers.push(extra);
  extraStatuses.push(watchStatuses(extra));
  return extra;
}

beforeAll(async () => {
  server = await startTestServer({ overrides: NO_THROTTLE });
  statuses = watchStatuses(server);
  alice = new Client(server.url);
  expect((await alice.signup(uniqueEmail('cors-alice'))).status).toBe(201);
});

afterAll(async () => {
  await Promise.all(extraServers.map((extra) => extra.close()));
  await server.close();
  // No answer of this file, on any server, was a 500.
  for (const watched of [statuses, ...extraStatuses]) expect(watched.all.filter((entry) => entry.status >= 500)).toEqual([]);
});

/** Names of the `Access-Control-*` headers of an answer. */
function accessControl(answer: Answer): string[] {
  return Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
}

/** The field names of `Vary`, lower-cased. */
function varyOf(answer: Answer): string[] {
  const value = answer.headers.vary;
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function listOf(answer: Answer, name: string): string[] {
  return (header(answer, name) ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

function expectGrant(answer: Answer, origin: string, what: string): void {
  expect(header(answer, 'access-control-allow-origin'), what).toBe(origin);
  expect(header(answer, 'access-control-allow-credentials'), what).toBe('true');
  expect(varyOf(answer), what).toContain('origin');
  expect(listOf(answer, 'access-control-expose-headers'), what).toEqual(expect.arrayContaining(['x-csrf-token', 'retry-after']));
}

function expectNoGrant(answer: Answer, what: string): void {
  expect(accessControl(answer), what).toEqual([]);
  expect(varyOf(answer), what).toContain('origin');
}

/**
 * A request with `client`'s cookies but another `Origin` (or none), optionally with a CSRF token;
 * the client's jar is not touched.
 */
function forge(client: Client, path: string, origin: string | undefined, options: RequestOptions & { token?: string } = {}): Promise<Answer> {
  const pairs: [string, string][] = Array.isArray(options.headers) ? [...options.headers] : Object.entries(options.headers ?? {});
  const cookie = client.cookieHeader();
  if (cookie !== undefined) pairs.push(['Cookie', cookie]);
  if (origin !== undefined) pairs.push(['Origin', origin]);
  if (options.token !== undefined) pairs.push(['X-CSRF-Token', options.token]);
  return send(client.baseUrl, path, { ...options, headers: pairs });
}

function preflight(baseUrl: string, path: string, origin: string, method = 'POST', requestHeaders?: string, extra: [string, string][] = []): Promise<Answer> {
  const headers: [string, string][] = [['Origin', origin], ['Access-Control-Request-Method', method], ...extra];
  if (requestHeaders !== undefined) headers.push(['Access-Control-Request-Headers', requestHeaders]);
  return send(baseUrl, path, { method: 'OPTIONS', headers });
}

async function noteCount(client: Client): Promise<number> {
  const answer = await client.request('/api/notes');
  expect(answer.status).toBe(200);
  return answer.json.notes.length;
}

/** Every refused origin: no CORS grant on a read, and 403 `origin_not_allowed` on a write with a valid token. */
async function expectRefusedEverywhere(target: TestServer, user: Client, origins: readonly string[]): Promise<void> {
  const before = await noteCount(user);
  for (const origin of origins) {
    expectNoGrant(await forge(user, '/auth/me', origin), `GET /auth/me from ${origin}`);
    expectNoGrant(await forge(user, '/api/notes', origin), `GET /api/notes from ${origin}`);
    const write = await forge(user, '/api/notes', origin, { json: { text: `from ${origin}` }, token: user.csrfToken });
    expect(write.status, `POST from ${origin}`).toBe(403);
    expect(write.json.error.code, `POST from ${origin}`).toBe('origin_not_allowed');
    expectNoGrant(write, `POST from ${origin}`);
    const pre = await preflight(target.url, '/api/notes', origin, 'POST', 'content-type,x-csrf-token');
    expect(pre.status, `preflight from ${origin}`).toBe(403);
    expect(accessControl(pre), `preflight from ${origin}`).toEqual([]);
  }
  expect(await noteCount(user)).toBe(before);
}

async function expectAllowed(target: TestServer, origins: readonly string[]): Promise<void> {
  for (const origin of origins) {
    const client = new Client(target.url, origin);
    const csrf = await client.csrf();
    expect(csrf.status, origin).toBe(200);
    expectGrant(csrf, origin, `GET /auth/csrf from ${origin}`);
    expect((await client.signup(uniqueEmail('origin'))).status, origin).toBe(201);
    const me = await client.request('/auth/me');
    expect(me.status, origin).toBe(200);
    expectGrant(me, origin, `GET /auth/me from ${origin}`);
    const pre = await preflight(target.url, '/api/notes', origin, 'POST', 'content-type,x-csrf-token');
    expect(pre.status, `preflight from ${origin}`).toBe(204);
    expect(header(pre, 'access-control-allow-origin'), `preflight from ${origin}`).toBe(origin);
  }
}

describe('CORS (security-catalogue section 1)', () => {
  it('C1 echoes an allowed origin exactly, with credentials and Vary: Origin, on 200, 401, 403, 404 and 405 answers', async () => {
    const anonymous = new Client(server.url);
    const answers: [string, Answer, number][] = [
      ['GET /auth/me', await alice.request('/auth/me'), 200],
      ['GET /auth/csrf', await alice.request('/auth/csrf'), 200],
      ['GET /api/notes', await alice.request('/api/notes'), 200],
      ['POST /api/notes with a token', await alice.request('/api/notes', { json: { text: 'c1' } }), 201],
      ['GET /auth/me unauthenticated', await anonymous.request('/auth/me'), 401],
      ['POST /api/notes without a token', await alice.request('/api/notes', { json: { text: 'no' }, csrf: false }), 403],
      ['GET /nothing/here', await alice.request('/nothing/here'), 404],
      ['GET /auth/logout', await alice.request('/auth/logout'), 405],
    ];
    for (const [what, answer, status] of answers) {
      expect(answer.status, what).toBe(status);
      expectGrant(answer, APP_ORIGIN, what);
    }
    expect(answers[5]![1].json.error.code).toBe('csrf_missing');
    // The hybrid origins of the capacitor preset are echoed as sent, too.
    for (const origin of ['capacitor://localhost', 'https://localhost']) {
      expectGrant(await forge(alice, '/auth/me', origin), origin, `GET /auth/me from ${origin}`);
      expectGrant(await forge(alice, '/nothing', origin), origin, `GET /nothing from ${origin}`);
    }
  });

  it('C2 gives a disallowed origin no CORS grant, neither Allow-Origin nor Allow-Credentials, on any answer', async () => {
    const anonymous = new Client(server.url, EVIL);
    const answers: [string, Answer][] = [
      ['GET /auth/me with the cookie', await forge(alice, '/auth/me', EVIL)],
      ['GET /api/notes with the cookie', await forge(alice, '/api/notes', EVIL)],
      ['GET /auth/csrf', await anonymous.request('/auth/csrf')],
      ['GET /auth/me unauthenticated', await anonymous.request('/auth/me')],
      ['POST /api/notes', await forge(alice, '/api/notes', EVIL, { json: { text: 'evil' } })],
      ['GET /nothing', await forge(alice, '/nothing', EVIL)],
      ['GET /auth/logout', await forge(alice, '/auth/logout', EVIL)],
    ];
    for (const [what, answer] of answers) {
      expect(answer.status, what).toBeLessThan(500);
      expectNoGrant(answer, what);
    }
  });

  it('C3 never reflects an arbitrary origin nor answers *, and refuses a wildcard configuration at startup', async () => {
    const origins = [
      'https://attacker.example',
      'http://evil.test',
      'null',
      'https://evil.example:8443',
      'https://x7f3a9c2.example',
      '*',
      'https://*.example.com',
      'https://app.example.com.attacker.example',
    ];
    const before = await noteCount(alice);
    for (const origin of origins) {
      for (const path of ['/auth/me', '/auth/csrf', '/api/notes', '/nothing']) {
        const answer = await forge(alice, path, origin);
        expect(header(answer, 'access-control-allow-origin'), `${path} from ${origin}`).toBeUndefined();
        expect(header(answer, 'access-control-allow-credentials'), `${path} from ${origin}`).toBeUndefined();
      }
      const write = await forge(alice, '/api/notes', origin, { json: { text: 'x' }, token: alice.csrfToken });
      expect(write.status, origin).toBe(403);
      expect(header(write, 'access-control-allow-origin'), origin).toBeUndefined();
    }
    expect(await noteCount(alice)).toBe(before);

    await expect(startTestServer({ origins: ['*'] })).rejects.toThrow(/credentials/);
    await expect(startTestServer({ origins: [APP_ORIGIN, '*'] })).rejects.toThrow(/credentials/);
    await expect(startTestServer({ origins: ['https://*'] })).rejects.toThrow(/credentials/);
    await expect(startTestServer({ origins: ['https://*.com'] })).rejects.toThrow(/https:\/\/\*\.com/);
    await expect(startTestServer({ origins: ['https://*.co.uk'] })).rejects.toThrow(/public suffix/);
  });

  it('C4 refuses an allowed host on another scheme', async () => {
    await expectRefusedEverywhere(server, alice, ['http://app.example.com', 'ws://app.example.com', 'wss://app.example.com', 'http://localhost', 'ionic://localhost']);
  });

  it('C5 refuses suffix, prefix and regex-dot confusions of an allowed origin', async () => {
    await expectRefusedEverywhere(server, alice, [
      'https://evilapp.example.com',
      'https://app.example.com.evil.net',
      'https://app-example.com',
      'https://appXexample.com',
      'https://appxexample.com',
      'https://notexample.com',
      'https://example.com',
      'https://sub.app.example.com',
      'https://app.example.co',
      'https://app.example.comm',
      'https://app.example.com.',
    ]);
  });

  it('C6 refuses URL-parser smuggling of an allowed origin', async () => {
    await expectRefusedEverywhere(server, alice, [
      'https://app.example.com@evil.net',
      'https://evil.net@app.example.com',
      'https://evil.net?.app.example.com',
      'https://evil.net#.app.example.com',
      'https://evil.net\\.app.example.com',
      'https://app.example.com%2eevil.net',
      'https://app.example.com/',
      'https://app.example.com/path',
      'https://app.example.com:443',
      'https://app.example.com:',
      'HTTPS://APP.EXAMPLE.COM',
      'https://APP.example.com',
      'https://app.example.com, https://evil.net',
      'https://app.example.com https://evil.net',
      'https://xn--pp-nia.example.com',
      'https://[',
      '//app.example.com',
      'app.example.com',
    ]);
    // Two Origin headers, the allowed one first: no grant, no write.
    const twice = await send(server.url, '/auth/me', { headers: [['Origin', APP_ORIGIN], ['Origin', APP_ORIGIN], ['Cookie', alice.cookieHeader()!]] });
    expect(accessControl(twice)).toEqual([]);
    const mixed = await send(server.url, '/api/notes', {
      json: { text: 'dup' },
      headers: [['Origin', APP_ORIGIN], ['Origin', EVIL], ['Cookie', alice.cookieHeader()!], ['X-CSRF-Token', alice.csrfToken!]],
    });
    expect(mixed.status).toBe(403);
    expect(accessControl(mixed)).toEqual([]);
  });

  it('C7 gives no grant to Origin null or file:// (the sandboxed-iframe half is a browser test)', async () => {
    await expectRefusedEverywhere(server, alice, ['null', 'NULL', 'file://', 'file:///', 'file:///etc/passwd']);
  });

  it('C8 matches https://*.example.com subdomains only: same scheme, same port, never the apex', async () => {
    const wildcard = await startExtra({ origins: ['https://*.example.com'] });
    await expectAllowed(wildcard, ['https://a.example.com', 'https://app.example.com', 'https://a.b.example.com', 'https://x-1.example.com']);
    const user = new Client(wildcard.url, 'https://a.example.com');
    expect((await user.signup(uniqueEmail('wild'))).status).toBe(201);
    await expectRefusedEverywhere(wildcard, user, [
      'https://example.com', // the apex: decided, not matched (list it separately)
      'http://a.example.com',
      'https://a.example.com.evil.net',
      'https://evil.com?.example.com',
      'https://evil.com#.example.com',
      'https://evil.com/.example.com',
      'https://a.example.com:8443',
      'https://.example.com',
      'https://a..example.com',
      'https://A.example.com',
      'https://a.example.com.',
      'https://aexample.com',
      'https://a-example.com',
      'https://a.example.co',
      'wss://a.example.com',
    ]);

    // A port is matched only when the pattern lists it.
    const withPort = await startExtra({ origins: ['https://*.example.com:8443'] });
    await expectAllowed(withPort, ['https://a.example.com:8443']);
    const portUser = new Client(withPort.url, 'https://a.example.com:8443');
    expect((await portUser.signup(uniqueEmail('port'))).status).toBe(201);
    await expectRefusedEverywhere(withPort, portUser, ['https://a.example.com', 'https://a.example.com:8444', 'https://example.com:8443']);
  });

  it('C9 accepts exactly the hybrid-app origins configured by the capacitor and ionic presets, port and case included', async () => {
    await expectAllowed(server, ['capacitor://localhost', 'https://localhost']);
    await expectRefusedEverywhere(server, alice, [
      'capacitor://localhost.evil.com',
      'capacitor://localhost:1234',
      'capacitor://evil',
      'capacitor://localhost/../x',
      'capacitor://localhost/',
      'capacitor://localhost@evil',
      'CAPACITOR://LOCALHOST',
      'Capacitor://localhost',
      'capacitor://LOCALHOST',
      'https://localhost:8100',
      'https://localhost.evil.com',
      'https://127.0.0.1',
      'http://localhost',
      'http://localhost:3000',
      'http://127.0.0.1',
      'http://[::1]',
      'ionic://localhost',
    ]);

    const ionic = await startExtra({ origins: ['ionic'] });
    await expectAllowed(ionic, ['ionic://localhost', 'http://localhost']);
    const user = new Client(ionic.url, 'ionic://localhost');
    expect((await user.signup(uniqueEmail('ionic'))).status).toBe(201);
    await expectRefusedEverywhere(ionic, user, [
      'ionic://localhost@evil',
      'ionic://localhost.evil.com',
      'ionic://localhost:8080',
      'IONIC://LOCALHOST',
      'http://localhost:3000',
      'http://localhost:8100',
      'http://127.0.0.1',
      'http://[::1]',
      'http://localhost.evil.com',
      'https://localhost',
      'capacitor://localhost',
    ]);
  });

  it('C10 answers a preflight from an allowed origin with 204 and the grant, without running the route', async () => {
    const answer = await preflight(server.url, '/api/notes', APP_ORIGIN, 'POST', 'content-type,x-csrftoken');
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(header(answer, 'access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(header(answer, 'access-control-allow-credentials')).toBe('true');
    expect(listOf(answer, 'access-control-allow-methods')).toEqual(expect.arrayContaining(['get', 'post', 'put', 'patch', 'delete']));
    expect(listOf(answer, 'access-control-allow-headers')).toEqual(
      expect.arrayContaining(['content-type', 'x-csrf-token', 'x-xsrf-token', 'x-csrftoken', 'authorization']),
    );
    expect(listOf(answer, 'access-control-allow-methods')).not.toContain('*');
    expect(listOf(answer, 'access-control-allow-headers')).not.toContain('*');
    expect(Number(header(answer, 'access-control-max-age'))).toBeGreaterThan(0);
    expect(varyOf(answer)).toEqual(expect.arrayContaining(['origin', 'access-control-request-method', 'access-control-request-headers']));
    expect(answer.cookies).toEqual([]);

    // Every route answers preflights the same way, authenticated or not, known or not.
    for (const path of ['/auth/me', '/auth/login', '/auth/signup', '/auth/logout', '/auth/password', '/nothing']) {
      for (const origin of [APP_ORIGIN, 'capacitor://localhost', 'https://localhost']) {
        const other = await preflight(server.url, path, origin, 'POST', 'Content-Type, X-CSRF-Token');
        expect(other.status, `${path} from ${origin}`).toBe(204);
        expect(header(other, 'access-control-allow-origin'), path).toBe(origin);
      }
    }
    const withoutHeaders = await preflight(server.url, '/api/notes', APP_ORIGIN, 'DELETE');
    expect(withoutHeaders.status).toBe(204);

    // Preflights carrying the session cookie (browsers never send one, but a tool might) reach no route:
    // logout does not run, no note is written, no cookie is set.
    const notes = await noteCount(alice);
    const cookie: [string, string] = ['Cookie', alice.cookieHeader()!];
    const logout = await preflight(server.url, '/auth/logout', APP_ORIGIN, 'POST', 'content-type,x-csrf-token', [cookie, ['X-CSRF-Token', alice.csrfToken!]]);
    expect(logout.status).toBe(204);
    expect(logout.cookies).toEqual([]);
    const body = JSON.stringify({ text: 'preflight' });
    const write = await send(server.url, '/api/notes', {
      method: 'OPTIONS',
      headers: [
        ['Origin', APP_ORIGIN],
        ['Access-Control-Request-Method', 'POST'],
        cookie,
        ['X-CSRF-Token', alice.csrfToken!],
        ['Content-Type', 'application/json'],
        // node:http frames an OPTIONS body only when told its length.
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    });
    expect(write.status).toBe(204);
    expect((await alice.request('/auth/me')).status).toBe(200);
    expect(await noteCount(alice)).toBe(notes);
  });

  it('C11 refuses a preflight from a disallowed origin, or for a method or header outside the lists, with no grant', async () => {
    for (const origin of [EVIL, 'null', 'http://app.example.com', 'https://app.example.com.evil.net']) {
      const answer = await preflight(server.url, '/api/notes', origin, 'POST', 'content-type,x-csrf-token');
      expect(answer.status, origin).toBe(403);
      expect(answer.json.error.code, origin).toBe('origin_not_allowed');
      expect(accessControl(answer), origin).toEqual([]);
      expect(varyOf(answer), origin).toContain('origin');
      expect(answer.cookies, origin).toEqual([]);
    }
    const refusals: [string, Answer][] = [
      ['TRACE', await preflight(server.url, '/api/notes', APP_ORIGIN, 'TRACE')],
      ['CONNECT', await preflight(server.url, '/api/notes', APP_ORIGIN, 'CONNECT')],
      ['PROPFIND', await preflight(server.url, '/api/notes', APP_ORIGIN, 'PROPFIND')],
      ['post in lower case', await preflight(server.url, '/api/notes', APP_ORIGIN, 'post')],
      ['x-evil header', await preflight(server.url, '/api/notes', APP_ORIGIN, 'POST', 'content-type,x-evil')],
      ['cookie header', await preflight(server.url, '/api/notes', APP_ORIGIN, 'POST', 'cookie')],
      ['* header', await preflight(server.url, '/api/notes', APP_ORIGIN, 'POST', '*')],
    ];
    for (const [what, answer] of refusals) {
      expect(answer.status, what).toBe(403);
      expect(answer.json.error.code, what).toBe('forbidden');
      expect(accessControl(answer), what).toEqual([]);
    }
    // The session stays as it was.
    expect((await alice.request('/auth/me')).status).toBe(200);
  });

  it('C12 always sends Vary: Origin, even without an Origin, and never copies a request Vary', async () => {
    const anonymous = new Client(server.url);
    anonymous.origin = undefined; // a default parameter would put APP_ORIGIN back
    const answers: [string, Answer][] = [
      ['GET /auth/csrf', await anonymous.request('/auth/csrf')],
      ['GET /auth/me', await anonymous.request('/auth/me')],
      ['GET /nothing', await anonymous.request('/nothing')],
      ['GET /api/notes', await anonymous.request('/api/notes')],
      ['POST /api/notes', await anonymous.request('/api/notes', { json: { text: 'x' } })],
      ['GET /auth/me with the cookie', await forge(alice, '/auth/me', undefined)],
      ['POST /api/notes with the cookie', await forge(alice, '/api/notes', undefined, { json: { text: 'x' }, token: alice.csrfToken })],
      ['OPTIONS without preflight headers', await send(server.url, '/api/notes', { method: 'OPTIONS' })],
      ['HEAD /auth/me', await send(server.url, '/auth/me', { method: 'HEAD' })],
    ];
    for (const [what, answer] of answers) {
      expect(answer.status, what).toBeLessThan(500);
      expect(varyOf(answer), what).toContain('origin');
      expect(accessControl(answer), what).toEqual([]);
    }
    // Authenticated or cookie-dependent answers vary on Cookie as well, without losing Origin.
    expect(varyOf(answers[5]![1])).toEqual(expect.arrayContaining(['origin', 'cookie']));

    for (const origin of [undefined, APP_ORIGIN, EVIL]) {
      for (const path of ['/auth/csrf', '/auth/me', '/api/notes', '/nothing']) {
        const answer = await forge(alice, path, origin, { headers: [['Vary', 'x'], ['Vary', 'Accept-Language']] });
        expect(varyOf(answer), `${path} from ${origin}`).not.toContain('x');
        expect(varyOf(answer), `${path} from ${origin}`).not.toContain('accept-language');
        expect(varyOf(answer), `${path} from ${origin}`).toContain('origin');
      }
      if (origin !== undefined) {
        const pre = await preflight(server.url, '/api/notes', origin, 'POST', undefined, [['Vary', 'x']]);
        expect(varyOf(pre)).not.toContain('x');
        expect(varyOf(pre)).toContain('origin');
      }
    }
  });

  it('C13 keeps GET /auth/csrf and GET /auth/me unreadable cross-origin and uncacheable', async () => {
    const stranger = new Client(server.url, EVIL);
    const answers: [string, Answer][] = [
      ['GET /auth/csrf without cookies', await stranger.request('/auth/csrf')],
      ['GET /auth/csrf with pre-session cookie', await stranger.request('/auth/csrf')],
      ['GET /auth/csrf with the session cookie', await forge(alice, '/auth/csrf', EVIL)],
      ['GET /auth/me with the session cookie', await forge(alice, '/auth/me', EVIL)],
    ];
    for (const [what, answer] of answers) {
      expect(answer.status, what).toBe(200);
      expect(header(answer, 'access-control-allow-origin'), what).toBeUndefined();
      expect(accessControl(answer), what).toEqual([]);
      expect(header(answer, 'cache-control'), what).toMatch(/no-store/);
      expect(varyOf(answer), what).toEqual(expect.arrayContaining(['origin', 'cookie']));
    }
    // The same answers to the allowed origin are uncacheable too.
    for (const path of ['/auth/csrf', '/auth/me']) {
      const answer = await alice.request(path);
      expect(header(answer, 'cache-control'), path).toMatch(/no-store/);
      expect(varyOf(answer), path).toEqual(expect.arrayContaining(['origin', 'cookie']));
    }
  });
});
