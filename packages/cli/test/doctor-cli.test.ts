import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '@crossauth/cli';
import { CATALOGUE } from '../src/doctor/index.js';
import { startTestServer, type TestServer } from './harness.js';
import { APP, diagnoseJson, runIt, startRaw, type RawServer } from './doctor-helpers.js';

/** The doctor's command-line surface: the JSON schema, the text report, exit codes, the password rules. */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');

function runBin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'doctor', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const raw = await startRaw(() => {});
  await raw.close();
  return raw.port;
}

let server: TestServer | undefined;
let raw: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  await raw?.close();
  server = undefined;
  raw = undefined;
});

describe('crossauth doctor on the command line', () => {
  it('prints JSON with the documented schema', async () => {
    server = await startTestServer({ origins: [APP] });
    const { report } = await diagnoseJson([`${server.url}/auth/me`, '--origin', 'https://evil.example', '--method', 'POST']);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'verdict', 'target', 'topology', 'findings', 'passed', 'durationMs']);
    expect(report.schemaVersion).toBe(1);
    expect(['ok', 'fail', 'unreachable']).toContain(report.verdict);
    expect(report.target).toEqual({ method: 'POST', url: `${server.url}/auth/me`, origin: 'https://evil.example' });
    expect(Object.keys(report.topology)).toEqual(['relation', 'appOrigin', 'apiOrigin', 'appSite', 'apiSite', 'hybrid', 'apiSecureContext']);
    expect(report.topology).toMatchObject({ relation: 'cross-site', appSite: 'https://evil.example', apiSite: 'http://127.0.0.1', hybrid: null, apiSecureContext: true });
    expect(report.findings.length).toBeGreaterThan(0);
    for (const finding of report.findings) {
      expect(Object.keys(finding)).toEqual(['id', 'severity', 'title', 'detail', 'fix', 'snippet', 'subject']);
      expect(Object.keys(CATALOGUE)).toContain(finding.id);
      expect(['error', 'warn', 'info']).toContain(finding.severity);
      for (const text of [finding.title, finding.detail, finding.fix]) expect(text.length).toBeGreaterThan(0);
    }
    // Errors come first, then warnings, then notes.
    const order = report.findings.map((finding) => ['error', 'warn', 'info'].indexOf(finding.severity));
    expect(order).toEqual([...order].sort());
  });

  it('exits 0 for a clean bill, 1 for an error and 2 for an unreachable API, through the built bin', async () => {
    server = await startTestServer({ origins: [APP] });
    expect((await runBin([`${server.url}/auth/me`, '--origin', APP])).code).toBe(0);
    expect((await runBin([`${server.url}/auth/me`, '--origin', 'https://evil.example'])).code).toBe(1);
    const unreachable = await runBin([`http://127.0.0.1:${await closedPort()}/`, '--origin', APP]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stdout).toContain('network.unreachable');
    expect(unreachable.stdout + unreachable.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a refused connection as unreachable, in words', async () => {
    const { code, report } = await diagnoseJson([`http://127.0.0.1:${await closedPort()}/auth/me`, '--origin', APP]);
    expect(code).toBe(2);
    expect(report.verdict).toBe('unreachable');
    expect(report.findings.find((finding) => finding.id === 'network.unreachable')?.detail).toContain('connection refused');
  });

  it('reports an https API with an untrusted certificate as unreachable, reached through --resolve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossauth-doctor-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=api.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = tls.address() as AddressInfo;
      const { code, report } = await diagnoseJson([`https://api.example.com:${port}/auth/me`, '--origin', APP, '--resolve', `api.example.com:${port}:127.0.0.1`]);
      expect(code).toBe(2);
      expect(report.topology).toMatchObject({ relation: 'same-site', apiSecureContext: true });
      expect(report.findings.find((finding) => finding.id === 'network.unreachable')?.detail).toMatch(/TLS failed with api\.example\.com/);
    } finally {
      tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a server that never answers as a timeout', async () => {
    raw = await startRaw(() => {});
    const { code, report } = await diagnoseJson([`${raw.url}/`, '--origin', APP, '--timeout', '0.3']);
    expect(code).toBe(2);
    expect(report.findings.map((finding) => finding.id)).toContain('network.timeout');
  });

  it('prints a text report with marks, and colours only on a terminal without NO_COLOR', async () => {
    server = await startTestServer({ origins: [APP] });
    const args = [`${server.url}/auth/me`, '--origin', 'https://evil.example', '--method', 'POST'];
    const plain = await runIt(args);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('✗ error cors.origin-refused');
    expect(plain.stdout).toContain('i info  topology.cross-site');
    expect(plain.stdout).toMatch(/verdict: fail \(1 error, 0 warnings, 1 note; \d+ ms\)/);
    expect(plain.stdout).not.toContain('\u001b[');
    expect((await runIt(args, { tty: true })).stdout).toContain('\u001b[31m');
    expect((await runIt(args, { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await runIt([`${server.url}/auth/me`, '--origin', APP])).stdout).toContain('✓ GET /auth/me grants https://app.example.com with credentials');
  });

  it('refuses --login without CROSSAUTH_DOCTOR_PASSWORD when stdin is not a terminal', async () => {
    const run = await runIt(['http://127.0.0.1:1/', '--origin', APP, '--login', 'ada@example.com']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CROSSAUTH_DOCTOR_PASSWORD');
    expect(run.stdout).toBe('');
  });

  it('has no way to pass the password on the command line', async () => {
    const run = await runIt(['http://127.0.0.1:1/', '--origin', APP, '--login', 'ada@example.com', '--password', 'secret']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--password'/);
  });

  it('explains usage mistakes and exits 2', async () => {
    for (const [args, message] of [
      [['http://127.0.0.1:1/'], '--origin is required'],
      [['ftp://x/', '--origin', APP], 'http or https'],
      [['http://127.0.0.1:1/', '--origin', 'https://app.example.com/path'], 'no path'],
      [['http://127.0.0.1:1/', '--origin', APP, '--resolve', 'api.example.com:443'], 'HOST:PORT:ADDRESS'],
      [['http://127.0.0.1:1/', '--origin', APP, '--timeout', 'soon'], '--timeout'],
      [['http://127.0.0.1:1/', '--origin', APP, '--remember'], '--remember goes with --login'],
    ] as const) {
      const run = await runIt([...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });

  it('uses --path instead of the path in the API URL', async () => {
    server = await startTestServer({ origins: [APP] });
    const { report } = await diagnoseJson([`${server.url}/ignored`, '--origin', APP, '--path', '/auth/csrf?x=1']);
    expect(report.target.url).toBe(`${server.url}/auth/csrf?x=1`);
  });

  it('is dispatched by main and listed in its help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['--help'], {})).toBe(0);
      expect(String(log.mock.calls[0]?.[0])).toContain('doctor');
      expect(await main(['doctor', '--help'], {})).toBe(2);
      expect(String(write.mock.calls[0]?.[0])).toContain('crossauth doctor <api-url> --origin <app-origin>');
    } finally {
      log.mockRestore();
      write.mockRestore();
    }
  });

  it('has every finding id of the catalogue asserted by a doctor test', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir)
      .filter((name) => name.startsWith('doctor') && name.endsWith('.test.ts'))
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('\n');
    const unasserted = Object.keys(CATALOGUE).filter((id) => !sources.includes(`'${id}'`));
    expect(unasserted).toEqual([]);
  });
});

describe('the README section on crossauth doctor', () => {
  const readme = () => readFileSync(join(root, 'README.md'), 'utf8');

  it('runs its example session as written against a fresh reference server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossauth-doctor-readme-'));
    // `crossauth serve` as `npm start` runs it (SQLite, default origin), on a free port.
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--store', `sqlite:${join(dir, 'db.sqlite')}`], { env: { PATH: process.env.PATH } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
      });
      const section = readme().slice(readme().indexOf('## `crossauth doctor`'));
      const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
      expect(block).toBeDefined();
      const output = await new Promise<string>((resolve, reject) => {
        execFile('bash', ['-euo', 'pipefail', '-c', block!], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, API: url }, timeout: 60_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
        );
      });
      expect(output).toMatch(/verdict: ok \(0 errors, 0 warnings, 0 notes; \d+ ms\)/);
      expect(output).toContain('✗ error cors.origin-refused');
      expect(output).toContain('exit status 1');
      expect(output.trim().split('\n').at(-1)).toBe('ok: GET /auth/me after login is signed in: the browser keeps and sends the session cookie');
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('lists every finding id with its severity', () => {
    const text = readme();
    for (const [id, entry] of Object.entries(CATALOGUE)) expect(text).toContain(`| \`${id}\` | ${entry.severity} |`);
  });
});
