import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestServer, uniqueEmail, type TestServer } from './harness.js';

// The reference server on a Redis of this test's own (a spare port, an append-only file in a temporary
// directory), which is frozen with SIGSTOP, resumed, and restarted — never the shared Redis on 6379.

/** The reference server bounds store operations to 1 s; an answer may come this much later on a busy machine. */
const BOUND_MS = 1000 + 400;

function redisServerBinary(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const binary = redisServerBinary();
if (binary === null && process.env.CI === 'true') throw new Error('redis-server is not installed; CI=true requires it.');
if (binary === null) console.warn('skipping the Redis outage test: redis-server is not installed');

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = performance.now();
  const value = await call();
  return { value, ms: performance.now() - startedAt };
}

describe.skipIf(binary === null)('the reference server while its Redis freezes, resumes and restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossauth-redis-outage-'));
  let port = 0;
  let redis: ChildProcess | undefined;
  let server: TestServer;
  let browser: Client;

  async function startRedis(): Promise<void> {
    redis = spawn(binary!, ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir, '--save', ''], { stdio: 'ignore' });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
    probe.on('error', () => {});
    for (let attempt = 0; ; attempt++) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        await probe.ping();
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await sleep(50);
      }
    }
    probe.disconnect();
  }

  beforeAll(async () => {
    port = await sparePort();
    await startRedis();
    server = await startTestServer({ store: `redis://127.0.0.1:${port}` });
    browser = new Client(server.url);
    expect((await browser.signup(uniqueEmail('outage'))).status).toBe(201);
    expect((await browser.request('/api/notes', { json: { text: 'before the outage' } })).status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
    if (redis && redis.exitCode === null) {
      redis.kill('SIGCONT');
      redis.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 store_unavailable within the store timeout while Redis is frozen, never 500 and never 401', async () => {
    redis!.kill('SIGSTOP');
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
      redis!.kill('SIGCONT');
    }
  });

  it('answers correctly by itself once Redis resumes, with the session and notes from before', async () => {
    expect((await browser.request('/auth/me')).status).toBe(200);
    const notes = await browser.request('/api/notes');
    expect(notes.json.notes.map((note: { text: string }) => note.text)).toEqual(['before the outage']);
  });

  it('keeps the session across a Redis restart on its append-only file, answering 503 meanwhile', async () => {
    const exited = new Promise((resolve) => redis!.once('exit', resolve));
    redis!.kill('SIGTERM');
    await exited;
    const down = await timed(() => browser.request('/auth/me'));
    expect(down.value.status).toBe(503);
    expect(down.ms).toBeLessThan(BOUND_MS);

    await startRedis();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await browser.request('/auth/me')).status;
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
    expect((await browser.request('/api/notes', { json: { text: 'after the restart' } })).status).toBe(201);
  });
});
