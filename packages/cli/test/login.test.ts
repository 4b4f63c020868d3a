import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, FAST_PASSWORDS, send, uniqueEmail, type Answer, type TestServer } from './harness.js';
import { AddressedClient, cookieOf, serverPool, SESSION, sessionTokenOf, uniqueAddress } from './security-helpers.js';

/**
 * Security catalogue §5, login, signup and password hashing (L1–L10), plus the signup and
 * password-change rules of the HTTP contract, against a real reference server behind a "proxy"
 * (`trustProxy`), so each test can speak from its own client address through `X-Forwarded-For`.
 */

const MINUTE = 60_000;
const PASSWORD = 'correct horse battery';

const pool = serverPool();
let server: TestServer;
const tmpDirs: string[] = [];

beforeAll(async () => {
  server = await pool.start({ trustProxy: true });
});
afterEach(() => {
  expect(pool.serverErrors()).toEqual([]);
});
afterAll(async () => {
  await pool.closeAll();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

function client(address = uniqueAddress(), target: TestServer = server): AddressedClient {
  return new AddressedClient(target.url, address);
}

/** A user signed up from a fresh address. */
async function user(password = PASSWORD, target: TestServer = server): Promise<{ email: string; password: string }> {
  const email = uniqueEmail('l');
  const answer = await client(uniqueAddress(), target).signup(email, password);
  expect(answer.status, answer.text).toBe(201);
  return { email, password };
}

function stats(target: TestServer = server) {
  return target.auth.core.passwords.stats();
}

/** Headers that may differ between two otherwise identical answers. */
function comparable(answer: Answer) {
  const headers = { ...answer.headers };
  delete headers.date;
  return { status: answer.status, headers, body: answer.json, cookies: answer.cookies.map((line) => line.replace(/=[^;]*/, '=<value>')) };
}

function expectRateLimited(answer: Answer): void {
  expect(answer.status, answer.text).toBe(429);
  expect(answer.json.error.code).toBe('rate_limited');
  const retryAfter = Number(answer.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(cookieOf(answer, SESSION)).toBeUndefined();
}

async function failLogins(from: AddressedClient, email: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const answer = await from.login(email, `wrong password ${i}`);
    expect(answer.status, answer.text).toBe(401);
  }
}

describe('L1 generic failure', () => {
  it('L1 an unknown user and a wrong password get identical status, body, headers and Set-Cookie behaviour', async () => {
    const known = await user();
    const unknown = await client().login(uniqueEmail('nobody'), 'some password');
    const wrong = await client().login(known.email, 'some password');
    const malformed = await client().login('not an email', 'some password');
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    expect(comparable(wrong)).toEqual(comparable(unknown));
    expect(comparable(malformed)).toEqual(comparable(unknown));
    expect(unknown.cookies).toEqual([]);
  });

  it('L1 a locked pair answers alike for a known and an unknown account', async () => {
    const known = await user();
    const a = client();
    const b = client();
    const unknownEmail = uniqueEmail('nobody');
    await failLogins(a, known.email, 5);
    await failLogins(b, unknownEmail, 5);
    const lockedKnown = await a.login(known.email, known.password);
    const lockedUnknown = await b.login(unknownEmail, known.password);
    expectRateLimited(lockedKnown);
    expect(comparable(lockedKnown)).toEqual(comparable(lockedUnknown));
  });
});

describe('L2 timing', () => {
  it('L2 an unknown user costs one dummy argon2 verification, a known user one real one', async () => {
    const known = await user();
    let before = stats();
    expect((await client().login(uniqueEmail('nobody'), 'some password')).status).toBe(401);
    let after = stats();
    expect(after.dummyVerifies - before.dummyVerifies).toBe(1);
    expect(after.verifies - before.verifies).toBe(0);

    before = stats();
    expect((await client().login(known.email, 'some password')).status).toBe(401);
    after = stats();
    expect(after.verifies - before.verifies).toBe(1);
    expect(after.dummyVerifies - before.dummyVerifies).toBe(0);

    before = stats();
    expect((await client().login('not an email at all', 'some password')).status).toBe(401);
    expect(stats().dummyVerifies - before.dummyVerifies).toBe(1);
  });
});

describe('L3 enumeration through signup', () => {
  it('L3 signup with an existing email (in any spelling) answers 409 email_taken, sets no session and leaves the account alone', async () => {
    const known = await user();
    const hashBefore = (await server.opened.store.getUserByEmail(known.email))!.passwordHash;
    for (const variant of [known.email, known.email.toUpperCase(), `  ${known.email}  `]) {
      const answer = await client().signup(variant, 'an attacker password');
      expect(answer.status).toBe(409);
      expect(answer.json.error.code).toBe('email_taken');
      expect(cookieOf(answer, SESSION)).toBeUndefined();
    }
    expect((await server.opened.store.getUserByEmail(known.email))!.passwordHash).toBe(hashBefore);
    expect((await client().login(known.email, 'an attacker password')).status).toBe(401);
    expect((await client().login(known.email, known.password)).status).toBe(200);
  });
});

describe('L4 throttling', () => {
  it('L4 five failures lock the (account, address) pair with 429 rate_limited and Retry-After, even for the right password, without hashing', async () => {
    const known = await user();
    const attacker = client();
    await failLogins(attacker, known.email, 5);
    const before = stats();
    const locked = await attacker.login(known.email, known.password);
    expectRateLimited(locked);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(stats()).toEqual(before);
    // The same account from another address is not locked: nobody can lock a user out from elsewhere.
    expect((await client().login(known.email, known.password)).status).toBe(200);
  });

  it('L4 fifty failures across accounts lock the address for every account, only that address, until the window ends', async () => {
    const known = await user();
    const sprayer = client();
    for (let i = 0; i < 50; i += 1) expect((await sprayer.login(uniqueEmail('spray'), 'guess')).status).toBe(401);
    expectRateLimited(await sprayer.login(known.email, known.password));
    expectRateLimited(await sprayer.login(uniqueEmail('spray'), 'guess'));
    expect((await client().login(known.email, known.password)).status).toBe(200);
    // The address lock ends with its 15-minute window too.
    server.advance(15 * MINUTE);
    expect((await sprayer.login(known.email, known.password)).status).toBe(200);
  });

  it('L4 the lock ends with its 15-minute window', async () => {
    const known = await user();
    const attacker = client();
    await failLogins(attacker, known.email, 5);
    server.advance(14 * MINUTE);
    expectRateLimited(await attacker.login(known.email, known.password));
    server.advance(MINUTE);
    expect((await attacker.login(known.email, known.password)).status).toBe(200);
  });

  it('L4 a successful login resets its pair', async () => {
    const known = await user();
    const owner = client();
    await failLogins(owner, known.email, 4);
    expect((await owner.login(known.email, known.password)).status).toBe(200);
    await failLogins(owner, known.email, 4);
    expect((await owner.login(known.email, known.password)).status).toBe(200);
  });

  it('L4 a burst of parallel guesses on one pair gets no more than 5 past the throttle, and no more hashes', async () => {
    const known = await user();
    const attacker = client();
    await attacker.csrf();
    const before = stats();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attacker.request('/auth/login', { json: { email: known.email, password: `parallel guess ${i}` } })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    const after = stats();
    expect(after.verifies + after.dummyVerifies - before.verifies - before.dummyVerifies).toBeLessThanOrEqual(5);
    expectRateLimited(await attacker.login(known.email, known.password));
  });

  it('L4 signup allows 10 attempts per address per hour; the 11th answers 429 with Retry-After', async () => {
    const address = uniqueAddress();
    for (let i = 0; i < 10; i += 1) expect((await client(address).signup(uniqueEmail('signup'), PASSWORD)).status).toBe(201);
    const refused = await client(address).signup(uniqueEmail('signup'), PASSWORD);
    expectRateLimited(refused);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect((await client().signup(uniqueEmail('signup'), PASSWORD)).status).toBe(201);
    server.advance(60 * MINUTE);
    expect((await client(address).signup(uniqueEmail('signup'), PASSWORD)).status).toBe(201);
  });

  it('L4 a refused signup creates no user', async () => {
    const address = uniqueAddress();
    for (let i = 0; i < 10; i += 1) await client(address).signup(uniqueEmail('signup'), 'short');
    const email = uniqueEmail('signup');
    expectRateLimited(await client(address).signup(email, PASSWORD));
    expect(await server.opened.store.getUserByEmail(email)).toBeNull();
  });
});

describe('L5 throttle evasion', () => {
  it('L5 rotating X-Forwarded-For does not evade the throttle when the proxy is not trusted', async () => {
    const direct = await pool.start({ trustProxy: false });
    const known = await user(PASSWORD, direct);
    for (let i = 0; i < 5; i += 1) {
      const rotating = client(uniqueAddress(), direct);
      expect((await rotating.login(known.email, 'wrong password')).status).toBe(401);
    }
    expectRateLimited(await client(uniqueAddress(), direct).login(known.email, known.password));
  });

  it('L5 addresses a client prepends to X-Forwarded-For are ignored: only the last hop (our proxy) counts', async () => {
    const known = await user();
    const real = uniqueAddress();
    for (let i = 0; i < 5; i += 1) {
      const spoofing = client(`${uniqueAddress()}, ${uniqueAddress()}, ${real}`);
      expect((await spoofing.login(known.email, 'wrong password')).status).toBe(401);
    }
    expectRateLimited(await client(real).login(known.email, known.password));
  });

  it('L5 rotating through one IPv6 /64 stays throttled; another /64 does not', async () => {
    const known = await user();
    const prefix = `2001:db8:${(Math.floor(Math.random() * 0xffff) + 1).toString(16)}:1`;
    for (let i = 1; i <= 5; i += 1) {
      expect((await client(`${prefix}::${i.toString(16)}`).login(known.email, 'wrong password')).status).toBe(401);
    }
    expectRateLimited(await client(`${prefix}:dead:beef:cafe:f00d`).login(known.email, known.password));
    expectRateLimited(await client(`${prefix.toUpperCase()}:0:0:0:99`).login(known.email, known.password));
    expect((await client(`${prefix.slice(0, -1)}2::1`).login(known.email, known.password)).status).toBe(200);
  });

  it('L5 textual variants of one IPv4 address share one counter', async () => {
    const known = await user();
    const ip = uniqueAddress();
    const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
    const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    const variants = [`::ffff:${ip}`, `::FFFF:${ip}`, `0:0:0:0:0:ffff:${ip}`, `::ffff:${hex}`, `[::ffff:${ip}]`];
    for (const variant of variants) expect((await client(variant).login(known.email, 'wrong password')).status, variant).toBe(401);
    expectRateLimited(await client(ip).login(known.email, known.password));
  });

  it('L5 email variants (case, surrounding spaces) count as one account', async () => {
    const known = await user();
    const attacker = client();
    const [local, domain] = known.email.split('@') as [string, string];
    const variants = [known.email.toUpperCase(), ` ${known.email} `, `${local}@${domain.toUpperCase()}`, `\t${known.email}`, `${local[0]!.toUpperCase()}${local.slice(1)}@${domain}`];
    for (const variant of variants) expect((await attacker.login(variant, 'wrong password')).status).toBe(401);
    expectRateLimited(await attacker.login(known.email, known.password));
    // The variants are the same account for a successful login too.
    expect((await client().login(` ${known.email.toUpperCase()} `, known.password)).status).toBe(200);
  });

  it('L5 Unicode look-alikes of an email are other accounts and never log in as the victim', async () => {
    const known = await user();
    const [local, domain] = known.email.split('@') as [string, string];
    const lookalikes = [
      `${local.replace('l', '\u04cf')}@${domain}`,
      `${local}@${domain.replace('a', '\u0430')}`,
      `${local}\u200b@${domain}`,
      `\u200e${local}@${domain}`,
      `${local}@${domain}.`,
      `${local}\uff20${domain}`,
      `${local.replace('l', '\uff4c')}@${domain}`,
    ];
    for (const lookalike of lookalikes) {
      expect(lookalike).not.toBe(known.email);
      const answer = await client().login(lookalike, known.password);
      expect(answer.status, lookalike).toBe(401);
      expect(cookieOf(answer, SESSION)).toBeUndefined();
    }
  });

  it('L5 the bearer login /auth/token shares the login throttle: failures there lock cookie login, and the reverse', async () => {
    const known = await user();
    const address = uniqueAddress();
    const tokenLogin = (password: string) => send(server.url, '/auth/token', { headers: [['X-Forwarded-For', address]], json: { email: known.email, password, name: 'phone' } });
    for (let i = 0; i < 5; i += 1) expect((await tokenLogin(`wrong ${i}`)).status).toBe(401);
    expectRateLimited(await client(address).login(known.email, known.password));
    expectRateLimited(await tokenLogin(known.password));

    const other = await user();
    const browser = client();
    await failLogins(browser, other.email, 5);
    const viaToken = await send(server.url, '/auth/token', { headers: [['X-Forwarded-For', browser.address]], json: { email: other.email, password: other.password, name: 'phone' } });
    expect(viaToken.status).toBe(429);
  });

  it('L5 //auth/login, /auth/login/, /AUTH/LOGIN and other path variants are not login routes and never authenticate', async () => {
    const known = await user();
    const attacker = client();
    await failLogins(attacker, known.email, 5);
    for (const path of ['//auth/login', '/auth/login/', '/AUTH/LOGIN', '/Auth/Login', '/auth//login', '/auth/./login', '/auth/%6cogin', '/auth/login%2F', '/auth/login;x', '/api/../auth/login']) {
      for (const who of [attacker, client()]) {
        const answer = await who.request(path, { rawPath: true, json: { email: known.email, password: known.password } });
        expect(answer.status, path).not.toBe(200);
        expect(answer.status, path).toBeLessThan(500);
        expect(cookieOf(answer, SESSION), path).toBeUndefined();
      }
    }
    // The query string is not part of the path: `/auth/login?x` is the login route, and still locked.
    expectRateLimited(await attacker.request('/auth/login?x=1', { json: { email: known.email, password: known.password } }));
    expectRateLimited(await attacker.login(known.email, known.password));
  });
});

describe('L6 password policy', () => {
  const codePoints = (text: string) => [...text].length;

  async function signupWith(password: string): Promise<{ email: string; answer: Answer }> {
    const email = uniqueEmail('l6');
    return { email, answer: await client().signup(email, password) };
  }

  async function expectAccepted(password: string): Promise<void> {
    const { email, answer } = await signupWith(password);
    expect(answer.status, `${codePoints(password)} code points`).toBe(201);
    expect((await client().login(email, password)).status).toBe(200);
  }

  async function expectWeak(password: string): Promise<void> {
    const { email, answer } = await signupWith(password);
    expect(answer.status, `${codePoints(password)} code points`).toBe(422);
    expect(answer.json.error.code).toBe('weak_password');
    expect(await server.opened.store.getUserByEmail(email)).toBeNull();
  }

  it('L6 8 code points are accepted and 7 answer 422 weak_password, counting code points, not UTF-16 units', async () => {
    await expectAccepted('abcdefgh');
    await expectWeak('abcdefg');
    await expectAccepted('😀😁😂🤣😃😄😅😆');
    await expectWeak('😀😁😂🤣😃😄😅');
  });

  it('L6 1024 code points are accepted and 1025 answer 422', async () => {
    await expectAccepted('a'.repeat(1024));
    await expectWeak('a'.repeat(1025));
    await expectAccepted('🔑'.repeat(1024));
    await expectWeak('🔑'.repeat(1025));
  });

  it('L6 the minimum counts after NFC: 8 code points in NFD that compose to 7 are too short', async () => {
    await expectWeak('abcdefe\u0301');
    await expectAccepted('abcdefge\u0301');
  });

  it('L6 a long passphrase with spaces and emoji is accepted and usable at login, with no truncation, trimming or case folding', async () => {
    const password = 'Tr0ub4dor & 3 correct horse battery staple 🐴🔋 on a sunny day, twice!';
    expect(codePoints(password)).toBeGreaterThanOrEqual(64);
    const { email, answer } = await signupWith(password);
    expect(answer.status).toBe(201);
    expect((await client().login(email, password)).status).toBe(200);
    for (const variant of [password.slice(0, -1), password.toLowerCase(), password.toUpperCase(), ` ${password}`, `${password} `, password.slice(0, 64)]) {
      expect((await client().login(email, variant)).status, JSON.stringify(variant)).toBe(401);
    }
  });

  it('L6 no composition rules: a password of one repeated character or only spaces is accepted', async () => {
    await expectAccepted('aaaaaaaa');
    await expectAccepted('        ');
  });

  it('L6 NFC and NFD spellings of one password log in interchangeably', async () => {
    const nfc = 'caf\u00e9 cr\u00e8me br\u00fbl\u00e9e';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const first = await signupWith(nfd);
    expect(first.answer.status).toBe(201);
    expect((await client().login(first.email, nfc)).status).toBe(200);
    expect((await client().login(first.email, nfd)).status).toBe(200);
    const second = await signupWith(nfc);
    expect(second.answer.status).toBe(201);
    expect((await client().login(second.email, nfd)).status).toBe(200);
  });
});

describe('L7 hash parameters', () => {
  it('L7 the stored hash is argon2id at m=19456, t=2, p=1 with a 16-byte salt, and one password set twice gives two hashes', async () => {
    const real = await pool.start({ trustProxy: true, overrides: { passwords: {} } });
    const first = await user('the same password', real);
    const second = await user('the same password', real);
    const a = (await real.opened.store.getUserByEmail(first.email))!.passwordHash;
    const b = (await real.opened.store.getUserByEmail(second.email))!.passwordHash;
    for (const hash of [a, b]) {
      expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
      const [, , , , salt, digest] = hash.split('$');
      expect(Buffer.from(salt!, 'base64').length).toBeGreaterThanOrEqual(16);
      expect(Buffer.from(digest!, 'base64').length).toBeGreaterThanOrEqual(32);
      expect(hash).not.toContain('the same password');
    }
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });
});

describe('L8 no 72-byte truncation', () => {
  it('L8 two passwords sharing their first 72 bytes are distinct passwords', async () => {
    for (const prefix of ['a'.repeat(72), '€'.repeat(24)]) {
      expect(Buffer.byteLength(prefix)).toBe(72);
      const known = await user(`${prefix}X`);
      expect((await client().login(known.email, `${prefix}Y`)).status).toBe(401);
      expect((await client().login(known.email, prefix)).status).toBe(401);
      expect((await client().login(known.email, `${prefix}X`)).status).toBe(200);
    }
  });
});

describe('L9 long passwords and international input', () => {
  it('L9 a 1 MB password answers 413 quickly, before any hashing, at signup, login and password change', async () => {
    const known = await user();
    const owner = client();
    expect((await owner.login(known.email, known.password)).status).toBe(200);
    const huge = 'p'.repeat(1024 * 1024);
    const before = stats();
    const started = performance.now();
    const anonymous = client();
    await anonymous.csrf();
    const answers = [
      await anonymous.request('/auth/signup', { json: { email: uniqueEmail('huge'), password: huge } }),
      await anonymous.request('/auth/login', { json: { email: known.email, password: huge } }),
      await owner.request('/auth/password', { json: { currentPassword: huge, newPassword: 'x' } }),
      await owner.request('/auth/password', { json: { currentPassword: known.password, newPassword: huge } }),
    ];
    const elapsed = performance.now() - started;
    for (const answer of answers) {
      expect(answer.status).toBe(413);
      expect(answer.json.error.code).toBe('payload_too_large');
    }
    expect(stats()).toEqual(before);
    expect(elapsed).toBeLessThan(2000);
    expect((await owner.request('/auth/me')).status).toBe(200);
  });

  it('L9 a password with NUL and emoji works at signup and login, and nothing after the NUL is lost', async () => {
    const password = 'abc\u0000def🙂ghi';
    const known = await user(password);
    expect((await client().login(known.email, password)).status).toBe(200);
    expect((await client().login(known.email, 'abc')).status).toBe(401);
    expect((await client().login(known.email, 'abc\u0000def🙂ghX')).status).toBe(401);
    expect((await client().login(known.email, 'abc\u0000def')).status).toBe(401);
  });

  it('L9 lone surrogates are refused at signup (they would collapse to U+FFFD and lose entropy)', async () => {
    const answer = await client().signup(uniqueEmail('l9'), '\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800');
    expect(answer.status).toBe(422);
    expect(answer.json.error.code).toBe('weak_password');
  });
});

describe('L10 work-factor upgrade', () => {
  it('L10 a user hashed with weaker parameters logs in on a stronger server and is rehashed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossauth-l10-'));
    tmpDirs.push(dir);
    const store = `sqlite:${join(dir, 'db.sqlite')}`;
    const weak = await pool.start({ store, trustProxy: true, overrides: { passwords: FAST_PASSWORDS } });
    const known = await user(PASSWORD, weak);
    const legacy = (await weak.opened.store.getUserByEmail(known.email))!.passwordHash;
    expect(legacy.startsWith(`$argon2id$v=19$m=${FAST_PASSWORDS.memoryCostKiB},t=${FAST_PASSWORDS.timeCost},p=1$`)).toBe(true);
    await weak.close();

    const strong = await pool.start({ store, trustProxy: true, overrides: { passwords: { memoryCostKiB: 2048, timeCost: 2 } } });
    expect((await client(uniqueAddress(), strong).login(known.email, 'wrong password')).status).toBe(401);
    expect((await strong.opened.store.getUserByEmail(known.email))!.passwordHash).toBe(legacy);
    expect((await client(uniqueAddress(), strong).login(known.email, known.password)).status).toBe(200);
    const upgraded = (await strong.opened.store.getUserByEmail(known.email))!.passwordHash;
    expect(upgraded).not.toBe(legacy);
    expect(upgraded.startsWith('$argon2id$v=19$m=2048,t=2,p=1$')).toBe(true);
    const before = stats(strong);
    expect((await client(uniqueAddress(), strong).login(known.email, known.password)).status).toBe(200);
    // Already current: no second rehash.
    expect(stats(strong).hashes).toBe(before.hashes);
    expect((await strong.opened.store.getUserByEmail(known.email))!.passwordHash).toBe(upgraded);
    await strong.close();
  });
});

describe('signup contract', () => {
  it('signup answers 201 {"user":{"id","email"}} with the email trimmed and lower-cased, a session cookie and a new CSRF token', async () => {
    const browser = client();
    await browser.csrf();
    const tokenBefore = browser.csrfToken;
    const email = uniqueEmail('Contract').toUpperCase();
    const answer = await browser.signup(`  ${email} `, PASSWORD);
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({ user: { id: expect.any(String), email: email.toLowerCase() } });
    expect(Object.keys(answer.json.user).sort()).toEqual(['email', 'id']);
    expect(answer.text).not.toMatch(/hash|argon/i);
    expect(sessionTokenOf(answer)).toBeDefined();
    expect(answer.headers['x-csrf-token']).toBeDefined();
    expect(answer.headers['x-csrf-token']).not.toBe(tokenBefore);
    expect((await browser.request('/auth/me')).json.user).toEqual(answer.json.user);
    // The token from before signup is bound to the old pre-session and no longer verifies.
    const stale = await browser.request('/api/notes', { json: { text: 'x' }, headers: [['X-CSRF-Token', tokenBefore!]], csrf: false });
    expect(stale.status).toBe(403);
  });

  it('concurrent signups of one email create one account: one 201, the others 409', async () => {
    const email = uniqueEmail('race');
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client().signup(i % 2 === 0 ? email : email.toUpperCase(), `${PASSWORD} ${i}`)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = answers.findIndex((answer) => answer.status === 201);
    expect((await client().login(email, `${PASSWORD} ${winner}`)).status).toBe(200);
  });

  it('signup refuses an invalid email with 400 bad_request and creates nobody', async () => {
    for (const email of ['', 'no-at-sign', '@example.com', 'a@b', 'a@@example.com', 'a b@example.com', 'a@example..com', `${'x'.repeat(250)}@example.com`]) {
      const answer = await client().signup(email, PASSWORD);
      expect(answer.status, email).toBe(400);
      expect(answer.json.error.code).toBe('bad_request');
      expect(cookieOf(answer, SESSION)).toBeUndefined();
    }
  });

  it('signup and login answer 400 for a missing or mistyped field', async () => {
    for (const body of [{ password: PASSWORD }, { email: uniqueEmail() }, { email: uniqueEmail(), password: PASSWORD, remember: 'yes' }, { email: uniqueEmail(), password: 12345678 }]) {
      for (const path of ['/auth/signup', '/auth/login']) {
        const browser = client();
        await browser.csrf();
        const answer = await browser.request(path, { json: body });
        expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(answer.json.error.code).toBe('bad_request');
      }
    }
  });

  it('login answers 200 {"user":{"id","email"}}, a new session id and a new CSRF token', async () => {
    const known = await user();
    const browser = client();
    await browser.csrf();
    const tokenBefore = browser.csrfToken;
    const answer = await browser.login(known.email, known.password);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ user: { id: expect.any(String), email: known.email } });
    expect(answer.headers['x-csrf-token']).not.toBe(tokenBefore);
    expect(sessionTokenOf(answer)).toBeDefined();
  });

  it('signup, login and password change need the Origin and CSRF checks even without a cookie', async () => {
    const known = await user();
    const noCsrf = await send(server.url, '/auth/login', { headers: [['Origin', APP_ORIGIN], ['X-Forwarded-For', uniqueAddress()]], json: { email: known.email, password: known.password } });
    expect(noCsrf.status).toBe(403);
    const browser = client();
    await browser.csrf();
    browser.origin = 'https://evil.example';
    const foreign = await browser.request('/auth/signup', { json: { email: uniqueEmail(), password: PASSWORD } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('origin_not_allowed');
  });
});

describe('password change contract', () => {
  it('a password change answers 204 with no body, rotates the CSRF token, and the new password (NFC-normalised) logs in', async () => {
    const known = await user();
    const browser = client();
    expect((await browser.login(known.email, known.password)).status).toBe(200);
    const tokenBefore = browser.csrfToken;
    const newPassword = 'nouveau mot de passe \u00e9t\u00e9';
    const change = await browser.request('/auth/password', { json: { currentPassword: known.password, newPassword: newPassword.normalize('NFD') } });
    expect(change.status).toBe(204);
    expect(change.text).toBe('');
    expect(change.headers['x-csrf-token']).not.toBe(tokenBefore);
    expect((await client().login(known.email, newPassword)).status).toBe(200);
    expect((await client().login(known.email, known.password)).status).toBe(401);
  });

  it('a password change enforces the password policy (422 weak_password for 7 or 1025 code points)', async () => {
    const known = await user();
    const browser = client();
    expect((await browser.login(known.email, known.password)).status).toBe(200);
    for (const newPassword of ['1234567', 'x'.repeat(1025)]) {
      const change = await browser.request('/auth/password', { json: { currentPassword: known.password, newPassword } });
      expect(change.status).toBe(422);
      expect(change.json.error.code).toBe('weak_password');
    }
    expect((await client().login(known.email, known.password)).status).toBe(200);
  });

  it('wrong current passwords at a password change are throttled like logins', async () => {
    const known = await user();
    const browser = client();
    expect((await browser.login(known.email, known.password)).status).toBe(200);
    for (let i = 0; i < 5; i += 1) {
      const change = await browser.request('/auth/password', { json: { currentPassword: `wrong ${i}`, newPassword: 'a new password' } });
      expect(change.status).toBe(401);
    }
    expectRateLimited(await browser.request('/auth/password', { json: { currentPassword: known.password, newPassword: 'a new password' } }));
    expect((await client().login(known.email, known.password)).status).toBe(200);
  });
});

describe('sweep', () => {
  it('no answer in this file was a 500', () => {
    expect(pool.serverErrors()).toEqual([]);
    expect(pool.answered()).toBeGreaterThan(300);
  });
});
