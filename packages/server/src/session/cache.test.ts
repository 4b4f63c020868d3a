import { describe, expect, it, vi } from 'vitest';
import { createAuth } from '../auth/create-auth.js';
import { ConfigError } from '../config/index.js';
import { createFetchHandler } from '../adapters/fetch/index.js';
import { memoryStore } from '../stores/memory/index.js';
import type { Store } from '../store/index.js';
import { SessionCache, type InvalidationChannel, type InvalidationEvent } from './cache.js';

const APP = 'https://app.example.com';

/** An in-memory channel joining several instances, as Redis pub/sub would. */
function localChannel(): () => InvalidationChannel {
  const listeners = new Set<(event: InvalidationEvent) => void>();
  return () => ({
    publish: (event) => listeners.forEach((listener) => listener(event)),
    subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
  });
}

/** One API instance on `store`, driven through the fetch adapter, with a browser-like cookie jar per call site. */
function instance(store: Store, options: { clock: () => number; sessionCache?: ConstructorParameters<typeof SessionCache>[0] }) {
  const auth = createAuth({ origins: [APP], store, secret: 'session-cache-test-secret-0123456789abcdef', publicUrl: 'https://api.example.com', passwords: { memoryCostKiB: 1024, timeCost: 1 }, onWarning: () => {}, ...options });
  const handler = createFetchHandler(auth, { app: (_request, context) => Response.json({ user: context.principal?.userId ?? null }) });
  return { auth, handler };
}

function browser(cookies = new Map<string, string>()) {
  let token = '';
  return async (handler: (request: Request) => Promise<Response>, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Origin', APP);
    if (token !== '') headers.set('X-CSRF-Token', token);
    if (cookies.size > 0) headers.set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await handler(new Request(`https://api.example.com${path}`, { ...init, headers }));
    for (const line of response.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      if (/Max-Age=0/.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    token = response.headers.get('X-CSRF-Token') ?? token;
    return response;
  };
}

/** A browser whose cookie jar the test can copy: a second tab, or a stolen cookie replayed. */
function browserWithJar() {
  const cookies = new Map<string, string>();
  return { call: browser(cookies), cookies };
}

const json = { 'Content-Type': 'application/json' };

describe('the optional session cache', () => {
  it('answers repeat validations from memory within its TTL, then reads the store again', async () => {
    let now = Date.now();
    const store = memoryStore();
    const reads = vi.spyOn(store, 'getSession');
    const api = instance(store, { clock: () => now, sessionCache: { ttlSeconds: 5 } });
    const call = browser();
    await call(api.handler, '/auth/csrf');
    await call(api.handler, '/auth/signup', { method: 'POST', headers: json, body: JSON.stringify({ email: 'cache@example.com', password: 'correct horse battery' }) });
    reads.mockClear();
    for (let i = 0; i < 5; i++) expect((await (await call(api.handler, '/anything')).json()) as object).not.toEqual({ user: null });
    expect(reads).toHaveBeenCalledTimes(1);
    now += 5_000;
    await call(api.handler, '/anything');
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('is off by default: every request reads the store', async () => {
    const store = memoryStore();
    const reads = vi.spyOn(store, 'getSession');
    const api = instance(store, { clock: Date.now });
    const call = browser();
    await call(api.handler, '/auth/csrf');
    await call(api.handler, '/auth/signup', { method: 'POST', headers: json, body: JSON.stringify({ email: 'nocache@example.com', password: 'correct horse battery' }) });
    reads.mockClear();
    for (let i = 0; i < 3; i++) await call(api.handler, '/anything');
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('forgets a session logged out on this instance at once', async () => {
    const store = memoryStore();
    const api = instance(store, { clock: Date.now, sessionCache: { ttlSeconds: 60 } });
    const tab = browserWithJar();
    await tab.call(api.handler, '/auth/csrf');
    await tab.call(api.handler, '/auth/signup', { method: 'POST', headers: json, body: JSON.stringify({ email: 'local@example.com', password: 'correct horse battery' }) });
    // The same cookie replayed from elsewhere after the logout: the cached session must not answer it.
    const replay = browser(new Map(tab.cookies));
    expect((await replay(api.handler, '/auth/me')).status).toBe(200);
    await tab.call(api.handler, '/auth/logout', { method: 'POST' });
    expect((await replay(api.handler, '/auth/me')).status).toBe(401);
  });

  it('forgets a session logged out on another instance at once, through the invalidation channel', async () => {
    const store = memoryStore();
    const channel = localChannel();
    const first = instance(store, { clock: Date.now, sessionCache: { ttlSeconds: 60, invalidation: channel() } });
    const second = instance(store, { clock: Date.now, sessionCache: { ttlSeconds: 60, invalidation: channel() } });
    const tab = browserWithJar();
    await tab.call(first.handler, '/auth/csrf');
    await tab.call(first.handler, '/auth/signup', { method: 'POST', headers: json, body: JSON.stringify({ email: 'shared@example.com', password: 'correct horse battery' }) });
    const replay = browser(new Map(tab.cookies));
    expect((await replay(first.handler, '/auth/me')).status).toBe(200);
    expect((await replay(second.handler, '/auth/me')).status).toBe(200);
    // Both caches hold the session now. Log out through the second; the first must refuse at once.
    expect((await tab.call(second.handler, '/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await replay(first.handler, '/auth/me')).status).toBe(401);
    first.auth.close();
    second.auth.close();
  });

  it('bounds its size, dropping the oldest entry', () => {
    const cache = new SessionCache({ ttlSeconds: 60, maxEntries: 2 });
    const record = (idHash: string) => ({ idHash, userId: 'u', createdAt: 0, lastSeenAt: 0, idleExpiresAt: 1e15, absoluteExpiresAt: 1e15, remember: false });
    cache.set(record('a'), 0);
    cache.set(record('b'), 0);
    cache.set(record('c'), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('c', 0)?.idHash).toBe('c');
  });

  it('refuses a TTL outside 0–300 seconds at startup, naming the option', () => {
    for (const ttlSeconds of [0, -1, 301, Number.NaN]) {
      expect(() => createAuth({ origins: [APP], store: memoryStore(), secret: 'x'.repeat(40), sessionCache: { ttlSeconds } })).toThrow(ConfigError);
    }
  });
});
