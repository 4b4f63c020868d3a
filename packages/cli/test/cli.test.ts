import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgs, UsageError } from '@crossauth/cli';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');

/** Runs the built CLI to completion. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Starts `crossauth serve` and resolves with the URL from its banner. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { env: { PATH: process.env.PATH, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

beforeAll(() => {
  // The CLI tests drive the built binary: build it (incrementally) so they never run a stale one.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'packages/cli')], { stdio: 'inherit' });
}, 120_000);

describe('crossauth serve flags', () => {
  it('takes flags over environment variables, and splits CROSSAUTH_ORIGINS on commas', () => {
    const env = { PORT: '4000', CROSSAUTH_ORIGINS: 'https://a.example.com, capacitor', CROSSAUTH_STORE: 'memory:', CROSSAUTH_TRUST_PROXY: 'true' };
    const fromEnv = parseServeArgs([], env);
    expect(fromEnv).toMatchObject({ port: 4000, origins: ['https://a.example.com', 'capacitor'], store: 'memory:', trustProxy: true, defaultOrigins: false });
    const fromFlags = parseServeArgs(['--port', '5000', '--origin', 'https://b.example.com', '--origin', 'ionic'], env);
    expect(fromFlags).toMatchObject({ port: 5000, origins: ['https://b.example.com', 'ionic'] });
  });

  it('defaults to the development origin http://localhost:5173 and says it is a default', () => {
    expect(parseServeArgs([], {})).toMatchObject({ origins: ['http://localhost:5173'], defaultOrigins: true, port: 3000, host: '127.0.0.1', store: 'sqlite:./.crossauth/crossauth.db' });
  });

  it('refuses a bad port and an unknown flag with a usage message', () => {
    expect(() => parseServeArgs(['--port', 'eighty'], {})).toThrow(UsageError);
    expect(() => parseServeArgs(['--bogus'], {})).toThrow(/Usage: crossauth serve/);
  });

  it("refuses origins '*' at startup with a message about credentials, exit code 2", async () => {
    const result = await run(['serve', '--port', '0', '--store', 'memory:', '--origin', '*']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/credentials/);
  });

  it('refuses a Redis store without CROSSAUTH_SECRET, since instances must share it', async () => {
    const result = await run(['serve', '--port', '0', '--store', 'redis://127.0.0.1:6379']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/CROSSAUTH_SECRET/);
  });
});

describe('the README walk-through', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossauth-readme-'));
    server = await serve(['--store', `sqlite:${join(dir, 'db.sqlite')}`]);
  });
  afterAll(() => {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints where it listens, the store, the secret source and the default origin warning', () => {
    expect(server.output()).toMatch(/listening on http:\/\/localhost:\d+/);
    expect(server.output()).toMatch(/store: +SQLite /);
    expect(server.output()).toMatch(/origins: http:\/\/localhost:5173 +\(default/);
  });

  it('creates the secret beside the SQLite file, readable by its owner only', () => {
    const mode = execFileSync('stat', ['-c', '%a', join(dir, 'secret')]).toString().trim();
    expect(mode).toBe('600');
  });

  it('runs the "Try it with curl" block as written: signup, a note, logout', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Try it with curl'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const output = execFileSync('bash', ['-euo', 'pipefail', '-c', block!], { cwd: dir, env: { PATH: process.env.PATH, API: server.url }, timeout: 30_000 }).toString();
    const lines = output.trim().split('\n');
    expect(JSON.parse(lines[0]!).note.text).toBe('hello from curl');
    expect(JSON.parse(lines[1]!).notes).toHaveLength(1);
    expect(JSON.parse(lines[2]!).user.email).toMatch(/^ada\+\d+@example\.com$/);
    expect(lines[3]).toBe('logout: 204');
    expect(JSON.parse(lines[4]!).error.code).toBe('unauthenticated');
  });

  it('runs the bearer-token block as written: device login, a read-only token, a refresh, and reuse detection', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Bearer tokens: native apps'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const output = execFileSync('bash', ['-euo', 'pipefail', '-c', block!], { cwd: dir, env: { PATH: process.env.PATH, API: server.url }, timeout: 30_000 }).toString();
    expect(output.trim().split('\n')).toEqual(['{"notes":[]}', 'write with a read-only token: 403', 'the refreshed access token: 200', 'replayed refresh token: 401', 'its successor, after the replay: 401']);
  });
});
