import { describe, expect, it } from 'vitest';
import { createAuth } from '../../auth/create-auth.js';
import { memoryStore } from '../../stores/memory/index.js';
import { createFetchHandler } from './index.js';

const APP = 'https://app.example.com';

function setup() {
  const auth = createAuth({
    origins: [APP],
    store: memoryStore(),
    secret: 'fetch-adapter-test-secret-0123456789abcdef',
    publicUrl: 'https://api.example.com',
    passwords: { memoryCostKiB: 1024, timeCost: 1 },
    onWarning: () => {},
  });
  const handler = createFetchHandler(auth, {
    getClientAddress: () => '203.0.113.7',
    app: (_request, context) => Response.json({ user: context.principal?.userId ?? null }, { headers: { Vary: 'Accept' } }),
  });
  let cookies = new Map<string, string>();
  const call = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Origin', APP);
    if (cookies.size > 0) headers.set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await handler(new Request(`https://api.example.com${path}`, { ...init, headers }));
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/Max-Age=0/.test(line)) cookies.delete(name!);
      else cookies.set(name!, value!);
    }
    return response;
  };
  return { call, reset: () => (cookies = new Map()) };
}

describe('the fetch adapter', () => {
  it('answers a preflight from an allowed origin with the exact grant', async () => {
    const { call } = setup();
    const response = await call('/auth/login', { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-csrf-token' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('runs csrf, signup, an application route and logout from Request to Response', async () => {
    const { call } = setup();
    const csrf = await call('/auth/csrf');
    const token = ((await csrf.json()) as { csrfToken: string }).csrfToken;
    const signup = await call('/auth/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ email: 'fetch@example.com', password: 'correct horse battery' }),
    });
    expect(signup.status).toBe(201);
    const userId = ((await signup.json()) as { user: { id: string } }).user.id;
    const rotated = signup.headers.get('x-csrf-token')!;

    const app = await call('/api/anything');
    expect(await app.json()).toEqual({ user: userId });
    expect(app.headers.get('access-control-allow-origin')).toBe(APP);
    expect(app.headers.get('cache-control')).toBe('no-store');
    expect(app.headers.get('vary')).toMatch(/Accept.*Origin/);

    expect((await call('/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': rotated } })).status).toBe(204);
    expect(await (await call('/api/anything')).json()).toEqual({ user: null });
  });

  it('stops reading a body past 16 KiB and answers 413', async () => {
    const { call } = setup();
    const token = ((await (await call('/auth/csrf')).json()) as { csrfToken: string }).csrfToken;
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(8192).fill(32));
      },
    });
    const response = await call('/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});

describe('the fetch adapter with methods node:http would never pass', () => {
  it('answers 405, not a crash, to a method named like an Object property', async () => {
    const auth = createAuth({ origins: [APP], store: memoryStore(), secret: 'fetch-adapter-test-secret-0123456789abcdef', onWarning: () => {} });
    const handler = createFetchHandler(auth);
    for (const method of ['constructor', 'toString', 'hasOwnProperty']) {
      const response = await handler(new Request('https://api.example.com/auth/csrf', { method }));
      expect(response.status).toBe(405);
    }
  });
});
