import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestServer, uniqueEmail, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('the reference server', () => {
  it('signs up, reads /auth/me, adds a note and logs out', async () => {
    const client = new Client(server.url);
    const email = uniqueEmail();
    expect((await client.signup(email)).status).toBe(201);
    const me = await client.request('/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.user.email).toBe(email);
    expect((await client.request('/api/notes', { json: { text: 'hello' } })).status).toBe(201);
    const notes = await client.request('/api/notes');
    expect(notes.json.notes.map((note: { text: string }) => note.text)).toEqual(['hello']);
    expect((await client.request('/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await client.request('/auth/me')).status).toBe(401);
  });
});
