import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../cli/test/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

beforeAll(() => {
  // The examples import the built packages, as a user's code would.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'packages/cli')], { stdio: 'inherit' });
}, 120_000);

/** Starts an example with `node` and resolves with the URL it prints. */
function start(file: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, file)], { cwd: root, env: { PATH: process.env.PATH, PORT: '0', ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" from ${file}: ${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!.replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}: ${output}`)));
  });
}

describe.each(['express', 'fastify', 'hono'])('the %s example in the README', (framework) => {
  const file = `examples/adapters/${framework}.mjs`;
  let running: { child: ChildProcess; url: string };
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `crossauth-${framework}-`));
    running = await start(file, { DATABASE_FILE: join(dir, 'db.sqlite') });
  });
  afterAll(() => {
    running?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is quoted in the README exactly as the file runs', () => {
    expect(readme).toContain(readFileSync(join(root, file), 'utf8').trim());
  });

  it('signs up through crossauth, then guards its own route with an ability', async () => {
    const client = new Client(running.url, 'http://localhost:5173');
    expect((await client.request('/api/hello')).status).toBe(401);
    expect((await client.signup(`${framework}-${Date.now()}@example.com`)).status).toBe(201);
    const hello = await client.request('/api/hello');
    expect(hello.status).toBe(200);
    expect(hello.json.hello).toMatch(/^[0-9a-f-]{36}$/);
    expect(hello.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });
});
