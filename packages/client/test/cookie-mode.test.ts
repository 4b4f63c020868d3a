import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, CrossauthError } from '@crossauth/client';
import { startTestServer, uniqueEmail, type TestServer } from '../../cli/test/harness.js';
import { browserFetch, startThirdParty } from './browser-fetch.js';

const PASSWORD = 'correct horse battery';
let server: TestServer;
let thirdParty: Awaited<ReturnType<typeof startThirdParty>>;

beforeAll(async () => {
  server = await startTestServer();
  thirdParty = await startThirdParty();
});
afterAll(async () => {
  await server.close();
  await thirdParty.close();
});

function cookieClient(options: Parameters<typeof browserFetch>[0] = {}) {
  const browser = browserFetch(options);
  const client = createClient({ baseUrl: server.url, mode: 'cookie', fetch: browser.fetch });
  return { browser, client };
}

const postNote = (client: ReturnType<typeof createClient>, text = 'hello') =>
  client.fetch('/api/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });

describe('cookie mode against the reference server', () => {
  it('login rotates the CSRF token and the next POST succeeds with the new one, without another /auth/csrf', async () => {
    const { browser, client } = cookieClient();
    const email = uniqueEmail('rotate');
    await client.signup({ email, password: PASSWORD });
    await client.logout();
    const user = await client.login({ email, password: PASSWORD });
    expect(user.email).toBe(email);

    const response = await postNote(client);
    expect(response.status).toBe(201);
    expect(browser.to('/auth/csrf')).toHaveLength(1);
    // Each rotation (signup, logout, login) handed out a token the next unsafe request used.
    const sent = browser.calls.filter((call) => call.method === 'POST').map((call) => call.headers.get('X-CSRF-Token'));
    expect(sent.every((token) => typeof token === 'string' && token.length > 0)).toBe(true);
    expect(new Set(sent).size).toBe(sent.length);
    expect(await client.me()).toEqual(user);
  });

  it('attaches the CSRF header to unsafe methods only, and sends credentials to the API', async () => {
    const { browser, client } = cookieClient();
    await client.signup({ email: uniqueEmail('safe'), password: PASSWORD });
    expect((await postNote(client)).status).toBe(201);
    expect((await client.fetch('/api/notes')).status).toBe(200);
    expect((await client.fetch('/api/notes', { method: 'HEAD' })).status).toBe(200);
    const notes = browser.to('/api/notes');
    expect(notes.map((call) => [call.method, call.headers.has('X-CSRF-Token'), call.credentials])).toEqual([
      ['POST', true, 'include'],
      ['GET', false, 'include'],
      ['HEAD', false, 'include'],
    ]);
  });

  it('never sends the CSRF header or credentials to an origin outside the configured API origins', async () => {
    const { browser, client } = cookieClient();
    await client.signup({ email: uniqueEmail('third'), password: PASSWORD });
    const response = await client.fetch(`${thirdParty.url}/collect`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    const call = browser.calls.at(-1)!;
    expect(call.headers.has('X-CSRF-Token')).toBe(false);
    expect(call.credentials).not.toBe('include');
    expect(thirdParty.received.at(-1)!.headers['x-csrf-token']).toBeUndefined();
    expect(thirdParty.received.at(-1)!.headers.cookie).toBeUndefined();
    expect(client.isApiUrl(`${thirdParty.url}/collect`)).toBe(false);
    expect(client.isApiUrl(`${server.url}/api/notes`)).toBe(true);
  });

  it('treats an origin listed in apiOrigins as the API, and only that one', async () => {
    const client = createClient({ baseUrl: server.url, apiOrigins: ['https://files.example.com'] });
    expect(client.isApiUrl('https://files.example.com/upload')).toBe(true);
    expect(client.isApiUrl('https://files.example.com:8443/upload')).toBe(false);
    expect(client.isApiUrl('https://evil.example.com/')).toBe(false);
    expect(await client.prepare('POST', 'https://evil.example.com/')).toBeNull();
  });

  it('fetches /auth/csrf once for many concurrent first requests', async () => {
    const { browser, client } = cookieClient();
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.fetch('/auth/logout', { method: 'POST' })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(204));
    expect(browser.to('/auth/csrf')).toHaveLength(1);
  });

  it('refreshes a stale token after 403 csrf_invalid and retries once', async () => {
    const { browser, client } = cookieClient();
    await client.signup({ email: uniqueEmail('stale'), password: PASSWORD });
    client.learn('stale-token-from-an-old-tab');
    const csrfCalls = browser.to('/auth/csrf').length;
    const response = await postNote(client, 'after a stale token');
    expect(response.status).toBe(201);
    expect(browser.to('/api/notes').map((call) => call.headers.get('X-CSRF-Token') === 'stale-token-from-an-old-tab')).toEqual([true, false]);
    expect(browser.to('/auth/csrf')).toHaveLength(csrfCalls + 1);
  });

  it('retries a CSRF failure only once, then hands the 403 to the caller', async () => {
    // Something between the client and the API mangles the header on every attempt.
    const { browser, client } = cookieClient({ tamper: (call) => void (call.path === '/api/notes' && call.headers.set('X-CSRF-Token', 'mangled')) });
    await client.signup({ email: uniqueEmail('once'), password: PASSWORD });
    const response = await postNote(client);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('csrf_invalid');
    expect(browser.to('/api/notes')).toHaveLength(2);
  });

  it('speaks the typed helpers: me is null when signed out, login errors carry the catalogue code', async () => {
    const { client } = cookieClient();
    expect(await client.me()).toBeNull();
    const email = uniqueEmail('typed');
    const user = await client.signup({ email, password: PASSWORD, remember: true });
    expect(user).toEqual({ id: expect.any(String), email });
    await client.logout();
    expect(await client.me()).toBeNull();
    const failure = await client.login({ email, password: 'not the password' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CrossauthError);
    expect(failure).toMatchObject({ status: 401, code: 'invalid_credentials' });
    const taken = await client.signup({ email, password: PASSWORD }).catch((error: unknown) => error);
    expect(taken).toMatchObject({ status: 409, code: 'email_taken' });
  });

  it('uses the header name of a preset, which the server accepts too', async () => {
    const browser = browserFetch();
    const client = createClient({ baseUrl: server.url, mode: 'cookie', csrfPreset: 'angular', fetch: browser.fetch });
    await client.signup({ email: uniqueEmail('preset'), password: PASSWORD });
    expect((await postNote(client)).status).toBe(201);
    expect(browser.to('/api/notes')[0]!.headers.has('X-XSRF-TOKEN')).toBe(true);
    expect(browser.to('/api/notes')[0]!.headers.has('X-CSRF-Token')).toBe(false);
  });

  it('sends no token on methods configured as safe', async () => {
    const browser = browserFetch();
    const client = createClient({ baseUrl: server.url, mode: 'cookie', safeMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT'], fetch: browser.fetch });
    await client.fetch(`${server.url}/api/notes`, { method: 'PUT' });
    expect(browser.to('/api/notes')[0]!.headers.has('X-CSRF-Token')).toBe(false);
    expect(browser.to('/auth/csrf')).toHaveLength(0);
  });

  it('in auto mode, concurrent first requests share one probe that finds cookies kept', async () => {
    const browser = browserFetch();
    const client = createClient({ baseUrl: server.url, fetch: browser.fetch });
    const modes: unknown[] = [];
    client.on('mode', (event) => modes.push(event));
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.fetch('/auth/logout', { method: 'POST' })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(5).fill(204));
    // A new visitor: the first answer sets the pre-session cookie, the second sees it come back.
    expect(browser.to('/auth/csrf')).toHaveLength(2);
    expect(modes).toEqual([{ mode: 'cookie', reason: 'cookies-kept' }]);
    expect(client.mode).toBe('cookie');
  });
});
