import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module without declarations: the demo's own launcher, as `npm start` runs it
import { startDemo } from '../start.mjs';
import { startAttacker } from './attacker.js';
import { browserUnavailable, launch, newProfile } from './browser.js';

interface Demo {
  apiUrl: string;
  appUrls: { sameSite: string; crossSite: string };
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery';
const SECRET = 'demo-test-secret-0123456789abcdef0123456789';
// Every test signs up from 127.0.0.1; the per-address signup limit has its own tests.
const MANY_SIGNUPS = { throttle: { signupMaxAttempts: 1000 } };
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const skip = browserUnavailable();
if (skip) console.log(skip);

let counter = 0;
const newEmail = (tag: string) => `${tag}-${Date.now()}-${++counter}@example.com`;

async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
}

async function signUp(page: Page, email: string, remember = false): Promise<void> {
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', PASSWORD);
  if (remember) await page.check('#login-form input[name=remember]');
  await page.click('#login-form button[value=signup]');
  await page.waitForSelector('#signed-in:not([hidden])');
}

async function logIn(page: Page, email: string, remember = false): Promise<void> {
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', PASSWORD);
  if (remember) await page.check('#login-form input[name=remember]');
  await page.click('#login-form button[value=login]');
  await page.waitForSelector('#signed-in:not([hidden])');
}

async function addNote(page: Page, text: string): Promise<void> {
  const before = Number(await page.textContent('#notes-count'));
  await page.fill('#note-form input[name=text]', text);
  await page.click('#note-form button');
  await page.waitForFunction((count) => Number(document.getElementById('notes-count')?.textContent) === count, before + 1);
}

async function logOut(page: Page): Promise<void> {
  await page.click('#logout');
  await page.waitForSelector('#signed-out:not([hidden])');
}

/** The signed-in user as the page sees it after a fresh load ('' when signed out). */
async function reloadedUser(page: Page): Promise<string> {
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  return (await page.getAttribute('body', 'data-user')) ?? '';
}

describe.skipIf(skip !== undefined)('the demo in Chromium', () => {
  let demo: Demo;
  let context: BrowserContext;
  const profiles: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    demo = await startDemo({ apiPort: 0, appPort: 0, store: 'memory:', secret: SECRET, overrides: MANY_SIGNUPS });
    profiles.push(newProfile());
    context = await launch(profiles[0]!);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await demo?.close();
    for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
  });

  it('1. same-site: signup, login, a note, reload keeps the session, logout ends it', async () => {
    const page = await context.newPage();
    await openApp(page, demo.appUrls.sameSite);
    expect(await page.textContent('#topology')).toMatch(/^same-site/);
    const email = newEmail('same-site');
    await signUp(page, email);
    await logOut(page);
    await logIn(page, email);
    expect(await page.textContent('#mode')).toBe('session cookie, SameSite=Lax');
    await addNote(page, 'same-site note');
    expect(await reloadedUser(page)).toBe(email);
    expect(await page.textContent('#notes')).toContain('same-site note');
    await logOut(page);
    expect(await reloadedUser(page)).toBe('');
    await page.close();
  });

  it('2. cross-site: the same flow, on a Partitioned session cookie and a CSRF token delivered by header', async () => {
    const page = await context.newPage();
    await openApp(page, demo.appUrls.crossSite);
    expect(await page.textContent('#topology')).toMatch(/^cross-site/);
    const email = newEmail('cross-site');
    await signUp(page, email);
    await logOut(page);
    await logIn(page, email);
    expect(await page.textContent('#mode')).toBe('session cookie, SameSite=None; Secure; Partitioned');
    // The page cannot read the API's cookies: the token can only have come from the X-CSRF-Token header.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await addNote(page, 'cross-site note');
    expect(await reloadedUser(page)).toBe(email);
    const session = (await context.cookies(demo.apiUrl)).find((cookie) => cookie.name === '__Host-crossauth-session');
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'None' });
    await page.screenshot({ path: `${artifacts}plain-spa-cross-site.png`, fullPage: true });
    await logOut(page);
    expect(await reloadedUser(page)).toBe('');
    await page.close();
  });

  it('2b. cross-site with partitioning off: the client sees the cookies dropped and uses tokens before any password', async () => {
    const unpartitioned: Demo = await startDemo({ apiPort: 0, appPort: 0, store: 'memory:', partitioned: false, secret: SECRET, overrides: MANY_SIGNUPS });
    // A fresh profile: cookies ignore ports, so the first demo API's partitioned cookies for localhost would
    // otherwise ride along to this one and make it look as if cookies were kept.
    const profile = newProfile();
    profiles.push(profile);
    const fresh = await launch(profile);
    try {
      const page = await fresh.newPage();
      const paths: string[] = [];
      page.on('request', (request) => {
        if (request.url().startsWith(unpartitioned.apiUrl)) paths.push(new URL(request.url()).pathname);
      });
      await openApp(page, unpartitioned.appUrls.crossSite);
      const email = newEmail('fallback');
      await signUp(page, email);
      expect(await page.textContent('#mode')).toMatch(/^bearer tokens/);
      await addNote(page, 'token-mode note');
      await logOut(page);
      await logIn(page, email);
      expect(await page.textContent('#notes')).toContain('token-mode note');
      expect(paths.filter((path) => path === '/auth/csrf')).toHaveLength(2);
      expect(paths).not.toContain('/auth/login');
      expect(paths).not.toContain('/auth/signup');
      expect(paths).toContain('/auth/token/signup');
      expect(paths).toContain('/auth/token');
      await page.close();
    } finally {
      await fresh.close();
      await unpartitioned.close();
    }
  });

  it('3. remember me survives a browser restart on the same profile; a browser-session login does not', async () => {
    const profile = newProfile();
    profiles.push(profile);
    const remembered = newEmail('remembered');
    const forgotten = newEmail('forgotten');
    let browser = await launch(profile);
    let page = await browser.newPage();
    await openApp(page, demo.appUrls.sameSite);
    await signUp(page, remembered, true);
    await browser.close();
    browser = await launch(profile);
    page = await browser.newPage();
    await openApp(page, demo.appUrls.sameSite);
    expect(await page.getAttribute('body', 'data-user')).toBe(remembered);
    await logOut(page);
    await signUp(page, forgotten, false);
    expect(await reloadedUser(page)).toBe(forgotten);
    await browser.close();
    browser = await launch(profile);
    page = await browser.newPage();
    await openApp(page, demo.appUrls.sameSite);
    expect(await page.getAttribute('body', 'data-user')).toBe('');
    await browser.close();
  });

  it('4. attacker pages that get the victim cookie sent can neither read /auth/me nor add a note', async () => {
    const attacker = await startAttacker(demo.apiUrl);
    try {
      for (const [app, attackerOrigin] of [
        [demo.appUrls.sameSite, `http://localhost:${attacker.port}`],
        [demo.appUrls.crossSite, `http://127.0.0.1:${attacker.port}`],
      ] as const) {
        const victim = await context.newPage();
        await openApp(victim, app);
        await signUp(victim, newEmail('victim'));
        await addNote(victim, 'the only note');

        const refusals: number[] = [];
        for (const path of ['/read', '/form-urlencoded', '/form-text', '/no-cors']) {
          const page = await context.newPage();
          page.on('response', (response) => {
            if (response.url().startsWith(demo.apiUrl) && response.request().method() === 'POST') refusals.push(response.status());
          });
          await page.goto(`${attackerOrigin}${path}`);
          if (path === '/read') {
            await page.waitForFunction(() => document.title !== '');
            expect(await page.title()).toBe('blocked');
          } else {
            await page.waitForTimeout(path === '/no-cors' ? 300 : 0);
            await page.waitForLoadState('load');
          }
          await page.close();
        }
        // Same-site attacker: every forged POST carried the Lax cookie and was refused by the origin check
        // (403). Cross-site attacker: its form posts are top-level navigations to the API, whose partition
        // is the API's own site, so the app's partitioned cookie stays home (401, nobody); its no-cors fetch
        // runs under the 127.0.0.1 partition, carries the cookie, and is refused by the origin check (403).
        expect(refusals).toEqual(attackerOrigin.startsWith('http://localhost') ? [403, 403, 403] : [401, 401, 403]);
        expect(await reloadedUser(victim)).not.toBe('');
        expect(Number(await victim.textContent('#notes-count'))).toBe(1);
        await logOut(victim);
        await victim.close();
      }
    } finally {
      await attacker.close();
    }
  });

  it('5. AngularJS: login, then a POST that works because the interceptor picked up the rotated token', async () => {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.log('angularjs page error:', error.message));
    const csrfFetches: string[] = [];
    page.on('request', (request) => {
      if (request.url() === `${demo.apiUrl}/auth/csrf`) csrfFetches.push(request.url());
    });
    // Cross-site: the page cannot read the API's cookie, so only the response header can carry the new token.
    await page.goto(`${demo.appUrls.crossSite}/angularjs/`);
    await page.waitForSelector('body[data-ready="true"]');
    const email = newEmail('angularjs');
    await page.fill('#login-form input[name=email]', email);
    await page.fill('#login-form input[name=password]', PASSWORD);
    await page.click('#login-form button[value=signup]');
    await page.waitForSelector('#logout');
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await page.fill('#login-form input[name=email]', email);
    await page.fill('#login-form input[name=password]', PASSWORD);
    await page.click('#login-form button[value=login]');
    await page.waitForSelector('#note-form');
    await page.fill('#note-form input[name=text]', 'from AngularJS');
    await page.click('#note-form button');
    await page.waitForFunction(() => document.getElementById('notes-count')?.textContent === '1');
    expect(await page.textContent('#notes')).toContain('from AngularJS');
    // One token fetch at the start; signup, logout and login each rotated it, and the interceptor kept up.
    expect(csrfFetches).toHaveLength(1);
    await page.screenshot({ path: `${artifacts}angularjs-cross-site.png`, fullPage: true });
    await page.close();
  });

  it('6. saves a screenshot of each app after login', async () => {
    const page = await context.newPage();
    await openApp(page, demo.appUrls.sameSite);
    await signUp(page, newEmail('screenshot'));
    await addNote(page, 'Buy oat milk');
    await page.screenshot({ path: `${artifacts}plain-spa-same-site.png`, fullPage: true });
    await page.goto(`${demo.appUrls.sameSite}/angularjs/`);
    await page.waitForSelector('#note-form');
    await page.screenshot({ path: `${artifacts}angularjs-same-site.png`, fullPage: true });
    await page.close();
  });
});
