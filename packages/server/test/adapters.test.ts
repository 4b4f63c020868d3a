import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, send, type Answer } from '../../cli/test/harness.js';
import { ADAPTERS, APP_ORIGIN, type AdapterServer } from './adapter-servers.js';

/**
 * One HTTP contract, every adapter: node:http, Express 5, Fastify 5, Hono 4 and the bare fetch
 * adapter answer the same requests the same way, security catalogue cases included, so no adapter
 * can drift from the core.
 */
describe.each(Object.keys(ADAPTERS))('the %s adapter', (name) => {
  let server: AdapterServer;
  const statuses: number[] = [];
  const watch = (answer: Answer) => {
    statuses.push(answer.status);
    return answer;
  };
  let counter = 0;
  const email = () => `${name}-${Date.now()}-${++counter}@example.com`;

  async function signedIn(): Promise<Client> {
    const client = new Client(server.url);
    watch(await client.csrf());
    expect(watch(await client.signup(email())).status).toBe(201);
    return client;
  }

  beforeAll(async () => {
    server = await ADAPTERS[name]!();
  });
  afterAll(async () => {
    await server.close();
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });

  it('C10 answers a preflight from an allowed origin with the exact grant, before any route', async () => {
    const answer = watch(
      await send(server.url, '/api/notes', {
        method: 'OPTIONS',
        headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-csrf-token' },
      }),
    );
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    expect(String(answer.headers['access-control-allow-headers'])).toMatch(/x-csrf-token/i);
  });

  it('C11 refuses a preflight from a foreign origin with 403 and no grant', async () => {
    const answer = watch(await send(server.url, '/api/notes', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } }));
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe('origin_not_allowed');
    expect(Object.keys(answer.headers).filter((header) => header.startsWith('access-control-'))).toEqual([]);
  });

  it("C1 puts the CORS grant on the application's own error answers", async () => {
    const answer = watch(await send(server.url, '/api/notes', { headers: { Origin: APP_ORIGIN } }));
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe('unauthenticated');
    expect(answer.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(String(answer.headers.vary)).toMatch(/Origin/);
  });

  it('runs signup, a note, /auth/me and logout through the framework', async () => {
    const client = await signedIn();
    expect(watch(await client.request('/api/notes', { json: { text: 'hello' } })).status).toBe(201);
    const notes = watch(await client.request('/api/notes'));
    expect(notes.json.notes).toEqual([{ text: 'hello' }]);
    expect(watch(await client.request('/auth/me')).status).toBe(200);
    expect(watch(await client.request('/auth/logout', { method: 'POST' })).status).toBe(204);
    expect(watch(await client.request('/auth/me')).status).toBe(401);
  });

  it("S12 marks authenticated application answers no-store and keeps the route's own Vary", async () => {
    const client = await signedIn();
    const answer = watch(await client.request('/api/notes'));
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(String(answer.headers.vary)).toMatch(/Accept/);
    expect(String(answer.headers.vary)).toMatch(/Origin/);
    expect(String(answer.headers.vary)).toMatch(/Cookie/);
  });

  it('X1 refuses a cookie-authenticated write without a CSRF token, and stores nothing', async () => {
    const client = await signedIn();
    const refused = watch(await client.request('/api/notes', { json: { text: 'forged' }, csrf: false }));
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('csrf_missing');
    expect(watch(await client.request('/api/notes')).json.notes).toEqual([]);
  });

  it('X7 refuses a valid token from a foreign origin', async () => {
    const client = await signedIn();
    client.origin = 'https://evil.example';
    const refused = watch(await client.request('/api/notes', { json: { text: 'forged' } }));
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('origin_not_allowed');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('X13 does not treat //auth/logout as the logout route', async () => {
    const client = await signedIn();
    watch(await client.request('//auth/logout', { method: 'POST', rawPath: true }));
    expect(watch(await client.request('/auth/me')).status).toBe(200);
  });

  it('T5 enforces token abilities on the framework route', async () => {
    const client = await signedIn();
    const token = watch(await client.request('/auth/tokens', { json: { name: 'reader', abilities: ['notes:read'] } })).json.token as string;
    expect(watch(await send(server.url, '/api/notes', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    const write = watch(await send(server.url, '/api/notes', { headers: { Authorization: `Bearer ${token}` }, json: { text: 'x' } }));
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe('forbidden');
  });

  it('M8 answers 413 to an oversized login body, and M11 415 to a non-JSON one', async () => {
    const client = new Client(server.url);
    watch(await client.csrf());
    const big = watch(await client.request('/auth/login', { body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024) }), headers: { 'Content-Type': 'application/json' } }));
    expect(big.status).toBe(413);
    const plain = watch(await client.request('/auth/login', { body: '{"email":"a@example.com","password":"p"}', headers: { 'Content-Type': 'text/plain' } }));
    expect(plain.status).toBe(415);
  });
});
