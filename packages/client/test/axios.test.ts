import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@crossauth/client';
import { attachCrossauth } from '@crossauth/client/axios';
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

/** One page: a crossauth client and an axios instance over the same cookie-keeping browser stand-in. */
function page(options: { mode?: 'cookie' | 'token'; keepCookies?: boolean } = {}) {
  const browser = browserFetch({ keepCookies: options.keepCookies });
  const client = createClient({ baseUrl: server.url, mode: options.mode ?? 'cookie', fetch: browser.fetch });
  // In Node, axios's default adapter is node:http; its fetch adapter with `env.fetch` goes through the stand-in.
  const http = axios.create({ baseURL: server.url, adapter: 'fetch', env: { fetch: browser.fetch } });
  const detach = attachCrossauth(http, client);
  return { browser, client, http, detach };
}

describe('axios interceptors against the reference server', () => {
  it('send the rotated CSRF token after login, only on unsafe methods, with credentials', async () => {
    const { browser, client, http } = page();
    const email = uniqueEmail('axios');
    await client.signup({ email, password: PASSWORD });
    await client.logout();
    await client.login({ email, password: PASSWORD });
    expect((await http.post('/api/notes', { text: 'from axios' })).status).toBe(201);
    expect((await http.get('/api/notes')).data).toMatchObject({ notes: [{ text: 'from axios' }] });
    const [post, get] = browser.to('/api/notes');
    expect(post!.headers.get('X-CSRF-Token')).toBeTruthy();
    expect(post!.credentials).toBe('include');
    expect(get!.headers.has('X-CSRF-Token')).toBe(false);
    expect(get!.credentials).toBe('include');
    expect(browser.to('/auth/csrf')).toHaveLength(1);
  });

  it('learn a token from axios answers too, so a login made through axios is picked up', async () => {
    const { browser, client, http } = page();
    const email = uniqueEmail('axios-login');
    await client.signup({ email, password: PASSWORD });
    await http.post('/auth/logout');
    await http.post('/auth/login', { email, password: PASSWORD });
    expect((await http.post('/api/notes', { text: 'after an axios login' })).status).toBe(201);
    const tokens = browser.calls.filter((call) => call.method === 'POST').map((call) => call.headers.get('X-CSRF-Token'));
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('leave requests to other origins alone: no CSRF header, no credentials', async () => {
    const { browser, client, http } = page();
    await client.signup({ email: uniqueEmail('axios-third'), password: PASSWORD });
    await http.post(`${thirdParty.url}/collect`, { event: 'signup' });
    expect(browser.calls.at(-1)!.credentials).not.toBe('include');
    expect(thirdParty.received.at(-1)!.headers['x-csrf-token']).toBeUndefined();
  });

  it('retry once after 403 csrf_invalid with a fresh token', async () => {
    const { browser, client, http } = page();
    await client.signup({ email: uniqueEmail('axios-stale'), password: PASSWORD });
    client.learn('stale');
    expect((await http.post('/api/notes', { text: 'retried' })).status).toBe(201);
    expect(browser.to('/api/notes').map((call) => call.headers.get('X-CSRF-Token') === 'stale')).toEqual([true, false]);
  });

  it('in token mode send the bearer token and refresh it once on 401', async () => {
    const email = uniqueEmail('axios-token');
    await page().client.signup({ email, password: PASSWORD });
    const { browser, client, http } = page({ mode: 'token', keepCookies: false });
    await client.login({ email, password: PASSWORD });
    server.advance(16 * 60 * 1000);
    const answers = await Promise.all([http.get('/api/notes'), http.get('/auth/me'), http.post('/api/notes', { text: 'bearer' })]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 201]);
    expect(browser.to('/auth/token/refresh')).toHaveLength(1);
    expect(browser.to('/api/notes').every((call) => call.headers.get('Authorization')?.startsWith('Bearer '))).toBe(true);
  });

  it('can be detached, after which axios sends neither credentials nor the token', async () => {
    const { browser, client, http, detach } = page();
    await client.signup({ email: uniqueEmail('axios-detach'), password: PASSWORD });
    detach();
    await expect(http.post('/api/notes', { text: 'no header' })).rejects.toMatchObject({ response: { status: 401 } });
    expect(browser.to('/api/notes')[0]!.headers.has('X-CSRF-Token')).toBe(false);
    expect(browser.to('/api/notes')[0]!.credentials).not.toBe('include');
  });
});
