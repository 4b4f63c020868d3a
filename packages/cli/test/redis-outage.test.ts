import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerBinary, sleep, startPrivateRedis, type PrivateRedis } from '../../server/test/support/faults.js';
import { Client, startTestServer, uniqueEmail, type TestServer } from './harness.js';

// The reference server on a Redis of this test's own (a spare port, an append-only file in a temporary
// directory), which is frozen with SIGSTOP, resumed, and restarted — never the shared Redis on 6379.

/** The reference server bounds store operations to 1 s; an answer may come this much later on a busy machine. */
const BOUND_MS = 1000 + 400;

const binary = redisServerBinary();
if (binary === null && process.env.CI === 'true') throw new Error('redis-server is not installed; CI=true requires it.');
if (binary === null) console.warn('skipping the Redis outage test: redis-server is not installed');

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = performance.now();
  const value = await call();
  return { value, ms: performance.now() - startedAt };
}

describe.skipIf(binary === null)('the reference server while its Redis freezes, resumes and restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossauth-redis-outage-'));
  let redis: PrivateRedis;
  let server: TestServer;
  let browser: Client;

  beforeAll(async () => {
    redis = await startPrivateRedis(binary!, dir);
    server = await startTestServer({ store: redis.url });
    browser = new Client(server.url);
    expect((await browser.signup(uniqueEmail('outage'))).status).toBe(201);
    expect((await browser.request('/api/notes', { json: { text: 'before the outage' } })).status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
    redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 store_unavailable within the store timeout while Redis is frozen, never 500 and never 401', async () => {
    redis.freeze();
    try {
      const answers = await Promise.all([
        timed(() => browser.request('/auth/me')),
        timed(() => browser.request('/api/notes')),
        timed(() => new Client(server.url).login(uniqueEmail('nobody'), 'whatever password')),
      ]);
      for (const { value, ms } of answers) {
        expect(value.status).toBe(503);
        expect(value.json.error.code).toBe('store_unavailable');
        expect(value.headers['retry-after']).toBe('1');
        expect(ms).toBeLessThan(BOUND_MS);
      }
    } finally {
      redis.resume();
    }
  });

  it('answers correctly by itself once Redis resumes, with the session and notes from before', async () => {
    expect((await browser.request('/auth/me')).status).toBe(200);
    const notes = await browser.request('/api/notes');
    expect(notes.json.notes.map((note: { text: string }) => note.text)).toEqual(['before the outage']);
  });

  it('keeps the session across a Redis restart on its append-only file, answering 503 meanwhile', async () => {
    await redis.stop();
    const down = await timed(() => browser.request('/auth/me'));
    expect(down.value.status).toBe(503);
    expect(down.ms).toBeLessThan(BOUND_MS);

    await redis.start();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await browser.request('/auth/me')).status;
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
    expect((await browser.request('/api/notes', { json: { text: 'after the restart' } })).status).toBe(201);
  });
});
