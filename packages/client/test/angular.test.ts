import '@angular/compiler';
import { HttpClient, HttpErrorResponse, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { createEnvironmentInjector, Injector, NgZone, ɵChangeDetectionScheduler as ChangeDetectionScheduler, ɵINJECTOR_SCOPE as INJECTOR_SCOPE, ɵNoopNgZone as NoopNgZone, type EnvironmentInjector } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CrossauthClient } from '@crossauth/client';
import { CROSSAUTH_CLIENT, crossauthInterceptor, provideCrossauth } from '@crossauth/client/angular';
import { startTestServer, uniqueEmail, type TestServer } from '../../cli/test/harness.js';
import { browserFetch, startThirdParty } from './browser-fetch.js';

const PASSWORD = 'correct horse battery';
const realFetch = globalThis.fetch;
let server: TestServer;
let thirdParty: Awaited<ReturnType<typeof startThirdParty>>;
let injectors: EnvironmentInjector[] = [];

beforeAll(async () => {
  server = await startTestServer();
  thirdParty = await startThirdParty();
});
afterEach(() => {
  globalThis.fetch = realFetch;
  for (const injector of injectors) injector.destroy();
  injectors = [];
});
afterAll(async () => {
  await server.close();
  await thirdParty.close();
});

/**
 * An Angular application's root injector, without a browser: HttpClient over its fetch backend, which
 * calls the global `fetch` — swapped here for the cookie-keeping stand-in.
 */
function angularApp(clientOptions: { mode?: 'cookie' | 'token'; keepCookies?: boolean } = {}) {
  const browser = browserFetch({ keepCookies: clientOptions.keepCookies });
  globalThis.fetch = browser.fetch;
  const injector = createEnvironmentInjector(
    [
      // The part of what bootstrapApplication sets up that HttpClient needs: a root-scoped injector (for
      // providedIn: 'root' services), a zone, and a change-detection scheduler (no views here to refresh).
      { provide: INJECTOR_SCOPE, useValue: 'root' },
      { provide: NgZone, useClass: NoopNgZone },
      { provide: ChangeDetectionScheduler, useValue: { notify: () => {}, runningTick: false } },
      provideHttpClient(withFetch(), withInterceptors([crossauthInterceptor])),
      provideCrossauth({ baseUrl: server.url, mode: clientOptions.mode ?? 'cookie', fetch: browser.fetch }),
    ],
    Injector.NULL as EnvironmentInjector,
  );
  injectors.push(injector);
  const client: CrossauthClient = injector.get(CROSSAUTH_CLIENT);
  return { browser, http: injector.get(HttpClient), client };
}

describe('Angular HttpClient with crossauthInterceptor', () => {
  it('posts with the rotated CSRF token and credentials after login, and reads without the token', async () => {
    const { browser, http, client } = angularApp();
    const email = uniqueEmail('angular');
    await client.signup({ email, password: PASSWORD });
    await client.logout();
    await client.login({ email, password: PASSWORD });
    await firstValueFrom(http.post(`${server.url}/api/notes`, { text: 'from Angular' }));
    const list = await firstValueFrom(http.get<{ notes: { text: string }[] }>(`${server.url}/api/notes`));
    expect(list.notes.map((note) => note.text)).toEqual(['from Angular']);
    const [post, get] = browser.to('/api/notes');
    expect(post!.headers.get('X-CSRF-Token')).toBeTruthy();
    expect(post!.credentials).toBe('include');
    expect(get!.headers.has('X-CSRF-Token')).toBe(false);
    expect(browser.to('/auth/csrf')).toHaveLength(1);
  });

  it('leaves requests to other origins without the header or credentials', async () => {
    const { browser, http, client } = angularApp();
    await client.signup({ email: uniqueEmail('angular-third'), password: PASSWORD });
    await firstValueFrom(http.post(`${thirdParty.url}/collect`, {}));
    expect(browser.calls.at(-1)!.credentials).not.toBe('include');
    expect(thirdParty.received.at(-1)!.headers['x-csrf-token']).toBeUndefined();
  });

  it('retries once after 403 csrf_invalid, and hands a second failure to the subscriber', async () => {
    const { browser, http, client } = angularApp();
    await client.signup({ email: uniqueEmail('angular-stale'), password: PASSWORD });
    client.learn('stale');
    await firstValueFrom(http.post(`${server.url}/api/notes`, { text: 'retried' }));
    expect(browser.to('/api/notes').map((call) => call.headers.get('X-CSRF-Token') === 'stale')).toEqual([true, false]);

    // A body the server refuses for another reason is not retried.
    const failure = await firstValueFrom(http.post(`${server.url}/api/notes`, { text: '' })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpErrorResponse);
    expect((failure as HttpErrorResponse).error).toMatchObject({ error: { code: 'bad_request' } });
    expect(browser.to('/api/notes')).toHaveLength(3);
  });

  it('in token mode sends the bearer token and refreshes it once on 401', async () => {
    const email = uniqueEmail('angular-token');
    await createClient({ baseUrl: server.url, mode: 'cookie', fetch: browserFetch().fetch }).signup({ email, password: PASSWORD });
    const { browser, http, client } = angularApp({ mode: 'token', keepCookies: false });
    await client.login({ email, password: PASSWORD });
    server.advance(16 * 60 * 1000);
    const [notes, me] = await Promise.all([
      firstValueFrom(http.get(`${server.url}/api/notes`)),
      firstValueFrom(http.get<{ user: { email: string } }>(`${server.url}/auth/me`)),
    ]);
    expect(notes).toEqual({ notes: [] });
    expect(me.user.email).toBe(email);
    expect(browser.to('/auth/token/refresh')).toHaveLength(1);
  });

  it('does not start a request before it is subscribed to', async () => {
    const { browser, http } = angularApp();
    const request = http.get(`${server.url}/auth/me`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(browser.calls).toHaveLength(0);
    await firstValueFrom(request).catch(() => undefined);
    expect(browser.to('/auth/me')).toHaveLength(1);
  });
});
