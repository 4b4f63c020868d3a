import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestServer, uniqueEmail, type TestServer } from '../../cli/test/harness.js';
import { startThirdParty } from './browser-fetch.js';
import { startPageServer } from './pages/page-server.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const PASSWORD = 'correct horse battery';
const absent = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is absent (apt-get install -y chromium)`;
// Skipping is for laptops without Chromium; under CI a missing browser must fail, not pass quietly.
if (absent && process.env.CI === 'true') throw new Error(`CI=true needs a real browser: ${absent}`);

interface Answer {
  status: number;
  data: unknown;
}
interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
}

let pages: Awaited<ReturnType<typeof startPageServer>>;
let api: TestServer;
let dropping: TestServer;
let thirdParty: Awaited<ReturnType<typeof startThirdParty>>;
let browser: Browser;
// The API is `localhost`, the app either `127.0.0.1` (cross-site: partitioned cookies, no readable cookie)
// or `localhost` on another port (same-site: the readable XSRF-TOKEN cookie is visible to the page).
const apiUrl = (server: TestServer) => server.url.replace('//127.0.0.1:', '//localhost:');
const crossSite = () => `http://127.0.0.1:${pages.port}`;
const sameSite = () => `http://localhost:${pages.port}`;

async function open(origin: string, server: TestServer, query = '') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sent: Promise<Sent>[] = [];
  context.on('request', (request) => sent.push(request.allHeaders().then((headers) => ({ url: request.url(), method: request.method(), headers }))));
  await page.goto(`${origin}/?api=${encodeURIComponent(apiUrl(server))}${query}`);
  await page.waitForFunction(() => 'app' in globalThis);
  const requests = async (path: string) => (await Promise.all(sent)).filter((request) => new URL(request.url).pathname === path);
  return { context, page, requests };
}

/** `$http(config)` inside the page, with the answer (or the rejection) as plain data. */
function http(page: Page, config: { method: string; url: string; data?: unknown; headers?: Record<string, string> }): Promise<Answer> {
  return page.evaluate(async (config) => {
    type Http = (config: unknown) => PromiseLike<Answer>;
    const { app } = globalThis as unknown as { app: { http: Http } };
    try {
      const answer = await app.http(config);
      return { status: answer.status, data: answer.data };
    } catch (rejection) {
      return { status: (rejection as Answer).status, data: (rejection as Answer).data };
    }
  }, config);
}

/** Evaluates `app.crossauth[method](argument)` inside the page. */
function crossauth(page: Page, method: 'login' | 'me' | 'learn', argument?: unknown): Promise<unknown> {
  return page.evaluate(async ([method, argument]) => {
    const { app } = globalThis as unknown as { app: { crossauth: Record<string, (argument: unknown) => unknown> } };
    return app.crossauth[method]!(argument);
  }, [method, argument] as const);
}

const pageValue = <T>(page: Page, name: 'events' | 'cookies') =>
  page.evaluate((name) => {
    const { app } = globalThis as unknown as { app: { events: unknown[]; cookies: () => string } };
    return name === 'events' ? app.events : app.cookies();
  }, name) as Promise<T>;

describe.skipIf(absent !== undefined)(`AngularJS 1.8 $http with csrfInterceptor in Chromium${absent ? ` (skipped: ${absent})` : ''}`, () => {
  beforeAll(async () => {
    pages = await startPageServer();
    const origins = [crossSite(), sameSite()];
    api = await startTestServer({ origins });
    // Without `Partitioned`, Chromium drops a cross-site API's cookies, as Safari and iOS web views do.
    dropping = await startTestServer({ origins, overrides: { cookies: { partitioned: false } } });
    thirdParty = await startThirdParty();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([pages?.close(), api?.close(), dropping?.close(), thirdParty?.close()]);
  });

  it('signs up and posts cross-site with the token from X-CSRF-Token, picking up the rotation at login', async () => {
    const { context, page, requests } = await open(crossSite(), api);
    const email = uniqueEmail('ng1');
    const base = apiUrl(api);
    expect((await http(page, { method: 'POST', url: `${base}/auth/signup`, data: { email, password: PASSWORD } })).status).toBe(201);
    expect((await http(page, { method: 'POST', url: `${base}/auth/logout` })).status).toBe(204);
    expect((await http(page, { method: 'POST', url: `${base}/auth/login`, data: { email, password: PASSWORD } })).status).toBe(200);
    expect((await http(page, { method: 'POST', url: `${base}/api/notes`, data: { text: 'from AngularJS' } })).status).toBe(201);
    const list = await http(page, { method: 'GET', url: `${base}/api/notes` });
    expect(list.data).toMatchObject({ notes: [{ text: 'from AngularJS' }] });

    expect(await pageValue(page, 'events')).toEqual([{ mode: 'cookie', reason: 'cookies-kept' }]);
    expect(await pageValue<string>(page, 'cookies')).not.toContain('XSRF-TOKEN');
    expect(await requests('/auth/csrf')).toHaveLength(2);
    const notes = await requests('/api/notes');
    expect(notes.filter((request) => request.method === 'POST').map((request) => Boolean(request.headers['x-csrf-token']))).toEqual([true]);
    expect(notes.filter((request) => request.method === 'GET').map((request) => request.headers['x-csrf-token'])).toEqual([undefined]);
    expect(notes.every((request) => request.headers.cookie?.includes('crossauth-session'))).toBe(true);
    await context.close();
  });

  it('reads the readable cookie before every request on a same-site page', async () => {
    const { context, page, requests } = await open(sameSite(), api);
    const base = apiUrl(api);
    await http(page, { method: 'POST', url: `${base}/auth/signup`, data: { email: uniqueEmail('ng2'), password: PASSWORD } });
    const cookie = /(?:^|; )XSRF-TOKEN=([^;]+)/.exec(await pageValue<string>(page, 'cookies'))?.[1];
    expect(cookie).toBeTruthy();
    // A stale header-learned token loses to the cookie, which every tab shares: no 403, no retry.
    await crossauth(page, 'learn', 'stale-token');
    expect((await http(page, { method: 'POST', url: `${base}/api/notes`, data: { text: 'same-site' } })).status).toBe(201);
    const notes = await requests('/api/notes');
    expect(notes.map((request) => request.headers['x-csrf-token'])).toEqual([decodeURIComponent(cookie!)]);
    await context.close();
  });

  it('uses the header named by csrfInterceptorProvider.setHeaderName', async () => {
    const { context, page, requests } = await open(crossSite(), api, '&header=X-XSRF-TOKEN');
    const base = apiUrl(api);
    await http(page, { method: 'POST', url: `${base}/auth/signup`, data: { email: uniqueEmail('ng3'), password: PASSWORD } });
    expect((await http(page, { method: 'POST', url: `${base}/api/notes`, data: { text: 'renamed' } })).status).toBe(201);
    const [note] = await requests('/api/notes');
    expect(note!.headers['x-xsrf-token']).toBeTruthy();
    expect(note!.headers['x-csrf-token']).toBeUndefined();
    await context.close();
  });

  it('sends neither the CSRF header nor cookies to an origin outside the API', async () => {
    const { context, page } = await open(sameSite(), api);
    const base = apiUrl(api);
    await http(page, { method: 'POST', url: `${base}/auth/signup`, data: { email: uniqueEmail('ng4'), password: PASSWORD } });
    // Same host as the API (`localhost`), another port: a credentialed request would carry the API's cookies.
    const other = thirdParty.url.replace('//127.0.0.1:', '//localhost:');
    await http(page, { method: 'POST', url: `${other}/collect`, data: 'ping', headers: { 'Content-Type': 'text/plain' } });
    const received = thirdParty.received.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.headers['x-csrf-token']).toBeUndefined();
    expect(received.headers.cookie).toBeUndefined();
    await context.close();
  });

  it('falls back to token mode when the browser drops the API cookies, before sending a password', async () => {
    const email = uniqueEmail('ng5');
    const account = await new Client(dropping.url, crossSite()).signup(email, PASSWORD);
    expect(account.status).toBe(201);
    const { context, page, requests } = await open(crossSite(), dropping);
    expect(await crossauth(page, 'login', { email, password: PASSWORD })).toMatchObject({ email });
    expect(await pageValue(page, 'events')).toEqual([{ mode: 'token', reason: 'cookies-dropped' }]);
    expect(await requests('/auth/csrf')).toHaveLength(2);
    expect(await requests('/auth/login')).toHaveLength(0);
    expect(await requests('/auth/token')).toHaveLength(1);
    const base = apiUrl(dropping);
    expect((await http(page, { method: 'POST', url: `${base}/api/notes`, data: { text: 'bearer from a web view' } })).status).toBe(201);
    const [note] = await requests('/api/notes');
    expect(note!.headers.authorization).toMatch(/^Bearer /);
    await context.close();
  });

  it('two tabs sharing localStorage refresh once, coordinated by Web Locks', async () => {
    const email = uniqueEmail('ng6');
    await new Client(api.url, crossSite()).signup(email, PASSWORD);
    const first = await open(crossSite(), api, '&mode=token&storage=local');
    await crossauth(first.page, 'login', { email, password: PASSWORD });
    const second = await first.context.newPage();
    await second.goto(first.page.url());
    await second.waitForFunction(() => 'app' in globalThis);
    expect(await crossauth(second, 'me')).toMatchObject({ email });

    api.advance(16 * 60 * 1000);
    const base = apiUrl(api);
    const answers = await Promise.all([first.page, second].map((page) => http(page, { method: 'GET', url: `${base}/auth/me` })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await first.requests('/auth/token/refresh')).toHaveLength(1);
    // Neither tab saw its pair refused, as it would after a replayed refresh token revoked the family.
    expect([await pageValue(first.page, 'events'), await pageValue(second, 'events')]).toEqual([[], []]);
    await first.context.close();
  });
});
