import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, CrossauthError, localStorageStorage, type StorageLike, type TokenStorage } from '@crossauth/client';
import { startTestServer, uniqueEmail, type TestServer } from '../../cli/test/harness.js';
import { browserFetch } from './browser-fetch.js';

const PASSWORD = 'correct horse battery';
const FIFTEEN_MINUTES = 15 * 60 * 1000;
let server: TestServer;
/** How far the server's clock has been moved; client clocks start from the server's time. */
let serverAdvanced = 0;
const serverNow = () => Date.now() + serverAdvanced;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A fresh account, created over a cookie-keeping connection (there is no bearer signup route). */
async function account(tag: string): Promise<string> {
  const email = uniqueEmail(tag);
  await createClient({ baseUrl: server.url, mode: 'cookie', fetch: browserFetch().fetch }).signup({ email, password: PASSWORD });
  return email;
}

/** A `localStorage` stand-in that several "tabs" share, as the tabs of one origin do. */
function sharedLocalStorage(): StorageLike {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

function tokenClient(options: { storage?: TokenStorage; clock?: () => number } = {}) {
  const browser = browserFetch({ keepCookies: false });
  const client = createClient({ baseUrl: server.url, mode: 'token', fetch: browser.fetch, tokenStorage: options.storage, clock: options.clock });
  return { browser, client };
}

describe('token mode against the reference server', () => {
  it('logs in through /auth/token and sends Authorization: Bearer without cookies or CSRF', async () => {
    const email = await account('bearer');
    const { browser, client } = tokenClient();
    expect((await client.login({ email, password: PASSWORD })).email).toBe(email);
    const response = await client.fetch('/api/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"from a phone"}' });
    expect(response.status).toBe(201);
    const call = browser.to('/api/notes')[0]!;
    expect(call.headers.get('Authorization')).toMatch(/^Bearer \S+$/);
    expect(call.headers.has('X-CSRF-Token')).toBe(false);
    expect(call.credentials).not.toBe('include');
    expect(browser.to('/auth/csrf')).toHaveLength(0);
    expect(browser.to('/auth/login')).toHaveLength(0);
    expect(JSON.parse(browser.to('/auth/token')[0]!.body!)).toEqual({ email, password: PASSWORD, name: 'crossauth client' });
  });

  it('refreshes before the access token expires, and the rotated pair keeps working', async () => {
    const email = await account('ahead');
    let clientOffset = 0;
    const { browser, client } = tokenClient({ clock: () => serverNow() + clientOffset });
    await client.login({ email, password: PASSWORD });
    for (let round = 1; round <= 3; round += 1) {
      // The client sees expiry coming (within the 60 s leeway) before the server does.
      clientOffset += FIFTEEN_MINUTES - 30_000;
      expect(await client.me()).toMatchObject({ email });
      expect(browser.to('/auth/token/refresh')).toHaveLength(round);
      expect(browser.to('/auth/me').at(-1)!.headers.get('Authorization')).not.toBe(browser.to('/auth/me').at(0)!.headers.get('Authorization'));
    }
    expect(browser.to('/auth/me').every((call) => call.headers.has('Authorization'))).toBe(true);
    // No 401 on the way: every request went out with a token the server still accepted.
    expect(browser.to('/auth/me')).toHaveLength(4);
  });

  it('refreshes once on 401 for many concurrent requests, then retries each', async () => {
    const email = await account('on401');
    const { browser, client } = tokenClient();
    await client.login({ email, password: PASSWORD });
    // The server's clock moves past the access token's 15 minutes; the client's does not notice.
    server.advance(FIFTEEN_MINUTES + 1000);
    serverAdvanced += FIFTEEN_MINUTES + 1000;
    const answers = await Promise.all(Array.from({ length: 6 }, () => client.fetch('/api/notes')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(browser.to('/auth/token/refresh')).toHaveLength(1);
    expect(browser.to('/api/notes')).toHaveLength(12);
  });

  it('turns a refused refresh token into a signed-out state and an expired event', async () => {
    const email = await account('replay');
    const storage = localStorageStorage('tokens', sharedLocalStorage());
    const { client } = tokenClient({ storage });
    await client.login({ email, password: PASSWORD });
    const stolen = (await storage.get())!;
    // Someone else spends the refresh token first: the server rotates it, and the client's copy is dead.
    const spent = await fetch(`${server.url}/auth/token/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: stolen.refreshToken }) });
    expect(spent.status).toBe(200);
    let expired = 0;
    client.on('expired', () => void (expired += 1));
    expect(await client.me()).toBeNull();
    expect(expired).toBe(1);
    expect(await storage.get()).toBeNull();
  });

  it('logout revokes the access token on the server and forgets the pair', async () => {
    const email = await account('logout');
    const storage = localStorageStorage('tokens', sharedLocalStorage());
    const { client } = tokenClient({ storage });
    await client.login({ email, password: PASSWORD });
    const { token } = (await storage.get())!;
    await client.logout();
    expect(await storage.get()).toBeNull();
    const reuse = await fetch(`${server.url}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(reuse.status).toBe(401);
  });

  it('reports a wrong password as invalid_credentials and stores nothing', async () => {
    const email = await account('wrong');
    const storage = localStorageStorage('tokens', sharedLocalStorage());
    const { client } = tokenClient({ storage });
    const failure = await client.login({ email, password: 'not the password' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CrossauthError);
    expect(failure).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(await storage.get()).toBeNull();
  });

  it('two tabs sharing storage spend the refresh token once (BroadcastChannel lock in Node)', async () => {
    const email = await account('tabs');
    const shared = sharedLocalStorage();
    let clientOffset = 0;
    const clock = () => serverNow() + clientOffset;
    const first = tokenClient({ storage: localStorageStorage('tokens', shared), clock });
    await first.client.login({ email, password: PASSWORD });
    const second = tokenClient({ storage: localStorageStorage('tokens', shared), clock });
    expect(await second.client.me()).toMatchObject({ email });

    clientOffset += FIFTEEN_MINUTES - 30_000;
    const [one, two] = await Promise.all([first.client.me(), second.client.me()]);
    expect(one).toMatchObject({ email });
    expect(two).toMatchObject({ email });
    expect(first.browser.to('/auth/token/refresh').length + second.browser.to('/auth/token/refresh').length).toBe(1);
    // Had both spent it, the server would have revoked the family and this would be 401.
    expect(await first.client.me()).toMatchObject({ email });
  });
});
