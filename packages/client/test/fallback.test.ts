import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, memoryStorage } from '@crossauth/client';
import { startTestServer, uniqueEmail, type TestServer } from '../../cli/test/harness.js';
import { browserFetch } from './browser-fetch.js';

const PASSWORD = 'correct horse battery';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('automatic fallback to token mode', () => {
  it('switches to token mode when the browser drops the API cookies, before any password goes to a cookie route', async () => {
    const email = uniqueEmail('dropped');
    await createClient({ baseUrl: server.url, fetch: browserFetch().fetch }).signup({ email, password: PASSWORD });

    // Safari, an iOS web view: the API's cookies never come back.
    const browser = browserFetch({ keepCookies: false });
    const client = createClient({ baseUrl: server.url, fetch: browser.fetch });
    const modes: unknown[] = [];
    client.on('mode', (event) => modes.push(event));

    expect((await client.login({ email, password: PASSWORD })).email).toBe(email);
    expect(modes).toEqual([{ mode: 'token', reason: 'cookies-dropped' }]);
    expect(client.mode).toBe('token');
    expect(browser.to('/auth/csrf')).toHaveLength(2);
    expect(browser.to('/auth/login')).toHaveLength(0);
    const withPassword = browser.calls.filter((call) => call.body?.includes(PASSWORD));
    expect(withPassword.map((call) => call.path)).toEqual(['/auth/token']);

    const note = await client.fetch('/api/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"kept"}' });
    expect(note.status).toBe(201);
    expect(browser.to('/api/notes')[0]!.headers.get('Authorization')).toMatch(/^Bearer /);
  });

  it('signs a new user up in token mode when the browser drops the API cookies, through the bearer signup route', async () => {
    const email = uniqueEmail('dropped-signup');
    const browser = browserFetch({ keepCookies: false });
    const client = createClient({ baseUrl: server.url, fetch: browser.fetch });
    expect((await client.signup({ email, password: PASSWORD })).email).toBe(email);
    expect(client.mode).toBe('token');
    expect(browser.to('/auth/signup')).toHaveLength(0);
    expect(browser.to('/auth/token/signup')).toHaveLength(1);
    expect(await client.me()).toMatchObject({ email });
  });

  it('stays in cookie mode when cookies stick, and the probe costs one call for a returning visitor', async () => {
    const email = uniqueEmail('kept');
    const browser = browserFetch();
    const first = createClient({ baseUrl: server.url, fetch: browser.fetch });
    await first.signup({ email, password: PASSWORD });
    expect(first.mode).toBe('cookie');
    expect(browser.to('/auth/csrf')).toHaveLength(2);

    // The same browser, a new page load: the session cookie is already there.
    const reloaded = createClient({ baseUrl: server.url, fetch: browser.fetch });
    expect(await reloaded.ready()).toBe('cookie');
    expect(browser.to('/auth/csrf')).toHaveLength(3);
    expect(await reloaded.me()).toMatchObject({ email });
  });

  it('starts in token mode when the storage already holds a pair, without probing', async () => {
    const email = uniqueEmail('stored');
    const browser = browserFetch({ keepCookies: false });
    // A Capacitor app's Preferences, say: the pair outlives the page.
    const storage = memoryStorage();
    await createClient({ baseUrl: server.url, fetch: browserFetch().fetch }).signup({ email, password: PASSWORD });
    await createClient({ baseUrl: server.url, mode: 'token', fetch: browser.fetch, tokenStorage: storage }).login({ email, password: PASSWORD });

    const restarted = createClient({ baseUrl: server.url, fetch: browser.fetch, tokenStorage: storage });
    const modes: unknown[] = [];
    restarted.on('mode', (event) => modes.push(event));
    expect(await restarted.me()).toMatchObject({ email });
    expect(modes).toEqual([{ mode: 'token', reason: 'stored-token' }]);
    expect(browser.to('/auth/csrf')).toHaveLength(0);
  });
});
