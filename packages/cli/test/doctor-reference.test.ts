import { afterEach, describe, expect, it } from 'vitest';
import { Client, startTestServer, uniqueEmail, type TestServer } from './harness.js';
import { APP, diagnoseJson, errorIds, ids } from './doctor-helpers.js';

/** crossauth doctor against the crossauth reference server, in several configurations, on loopback. */

const PASSWORD = 'correct horse battery';
const ENV = { CROSSAUTH_DOCTOR_PASSWORD: PASSWORD };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withUser(origins: string[], overrides: Parameters<typeof startTestServer>[0] = {}): Promise<{ server: TestServer; email: string }> {
  server = await startTestServer({ origins, ...overrides });
  const email = uniqueEmail('doctor');
  const signup = await new Client(server.url, origins[0]).signup(email, PASSWORD);
  expect(signup.status).toBe(201);
  return { server, email };
}

describe('crossauth doctor against the reference server', () => {
  it('gives an allowed origin a clean bill for safe and unsafe requests, bearer header included', async () => {
    server = await startTestServer({ origins: [APP] });
    for (const extra of [[], ['--method', 'POST'], ['--method', 'DELETE'], ['--method', 'PUT', '--header', 'Authorization']]) {
      const { code, report } = await diagnoseJson([`${server.url}/auth/me`, '--origin', APP, ...extra]);
      expect(errorIds(report), extra.join(' ')).toEqual([]);
      expect(report.verdict).toBe('ok');
      expect(code).toBe(0);
      // A plain GET needs no preflight, and the doctor says so rather than pretending it checked one.
      expect(ids(report).includes('cors.no-preflight')).toBe(extra.length === 0);
    }
  });

  it('reports a refused origin as cors.origin-refused and exits 1', async () => {
    server = await startTestServer({ origins: [APP] });
    const { code, report } = await diagnoseJson([`${server.url}/auth/me`, '--origin', 'https://evil.example', '--method', 'POST']);
    expect(errorIds(report)).toEqual(['cors.origin-refused']);
    expect(report.findings[0]!.fix).toContain('--origin https://evil.example');
    expect(code).toBe(1);
  });

  it('advises partitioned cookies or tokens for a hybrid origin calling a cross-site API, with no error', async () => {
    server = await startTestServer({ origins: ['capacitor'] });
    const { code, report } = await diagnoseJson([`${server.url}/auth/me`, '--origin', 'capacitor://localhost', '--method', 'POST']);
    expect(report.topology).toMatchObject({ relation: 'cross-site', hybrid: 'capacitor-ios', appSite: 'capacitor://localhost' });
    expect(errorIds(report)).toEqual([]);
    expect(code).toBe(0); // warnings alone never fail the run
    const ios = report.findings.find((finding) => finding.id === 'topology.hybrid-ios')!;
    expect(ios.severity).toBe('warn');
    expect(ios.fix).toMatch(/Partitioned/);
    expect(ios.fix).toMatch(/bearer tokens/);
    expect(ids(report)).toContain('topology.cross-site');
    expect(ids(report)).not.toContain('cookie.cross-site-unpartitioned');
    expect(report.passed).toContain('Cookie __Host-crossauth-pre (from GET /auth/csrf) would be stored and sent');
  });

  it('marks an Android hybrid origin as a note, not a warning', async () => {
    server = await startTestServer({ origins: ['capacitor'] });
    const { report } = await diagnoseJson([`${server.url}/auth/me`, '--origin', 'https://localhost']);
    expect(report.findings.find((finding) => finding.id === 'topology.hybrid-android')?.severity).toBe('info');
    expect(errorIds(report)).toEqual([]);
  });

  it('logs in with CROSSAUTH_DOCTOR_PASSWORD and judges the real Set-Cookie of the login answer', async () => {
    const { server: running, email } = await withUser([APP]);
    const { code, report } = await diagnoseJson([`${running.url}/auth/me`, '--origin', APP, '--login', email], ENV);
    expect(errorIds(report)).toEqual([]);
    expect(report.passed).toContain('Cookie __Host-crossauth-session (from POST /auth/login) would be stored and sent');
    expect(report.passed).toContain(`POST /auth/login as ${email} succeeded`);
    expect(report.passed.some((line) => line.startsWith('GET /auth/me after login is signed in'))).toBe(true);
    expect(code).toBe(0);
  });

  it('warns that a hybrid app loses a browser-session login, and not once it logs in with --remember', async () => {
    const { server: running, email } = await withUser(['capacitor://localhost']);
    const plain = await diagnoseJson([`${running.url}/auth/me`, '--origin', 'capacitor://localhost', '--login', email], ENV);
    expect(plain.report.findings.find((finding) => finding.id === 'cookie.no-expiry-hybrid')?.subject).toBe('__Host-crossauth-session');
    const remembered = await diagnoseJson([`${running.url}/auth/me`, '--origin', 'capacitor://localhost', '--login', email, '--remember'], ENV);
    expect(ids(remembered.report)).not.toContain('cookie.no-expiry-hybrid');
    expect(errorIds(remembered.report)).toEqual([]);
  });

  it('reports the missing Partitioned attribute when the server switches it off, and the login it breaks', async () => {
    const { server: running, email } = await withUser([APP], { overrides: { cookies: { partitioned: false } } });
    const { code, report } = await diagnoseJson([`${running.url}/auth/me`, '--origin', APP, '--login', email], ENV);
    const unpartitioned = report.findings.find((finding) => finding.id === 'cookie.cross-site-unpartitioned')!;
    expect(unpartitioned.severity).toBe('error');
    expect(unpartitioned.subject).toBe('__Host-crossauth-pre');
    // The browser dropped the pre-session cookie, so the CSRF token no longer verifies at login.
    expect(report.findings.find((finding) => finding.id === 'login.failed')?.detail).toMatch(/403 csrf_/);
    expect(code).toBe(1);
  });

  it('reports a wrong password as a failed login', async () => {
    const { server: running, email } = await withUser([APP]);
    const { report } = await diagnoseJson([`${running.url}/auth/me`, '--origin', APP, '--login', email], { CROSSAUTH_DOCTOR_PASSWORD: 'not the password' });
    expect(report.findings.find((finding) => finding.id === 'login.failed')?.detail).toContain('401 invalid_credentials');
  });

  it('finds no error on the pairs of the gallery when the reference server is configured for them', async () => {
    // Each pair a gallery server gets wrong, served right. The mixed-content pair (an https app calling
    // http on a named host) is left out: no server configuration can fix it.
    const pairs: { origin: string; host?: string; args?: string[] }[] = [
      { origin: APP, args: ['--method', 'POST', '--header', 'Authorization'] },
      { origin: 'http://app.test:5173', host: 'app.test' },
      { origin: 'http://app.example.com', host: 'api.example.com', args: ['--method', 'DELETE'] },
      { origin: 'http://localhost:5173', host: 'localhost' },
      { origin: 'capacitor://localhost', args: ['--remember'] },
      { origin: 'https://localhost' },
    ];
    for (const pair of pairs) {
      const { server: running, email } = await withUser([pair.origin]);
      const port = new URL(running.url).port;
      const url = pair.host === undefined ? `${running.url}/auth/me` : `http://${pair.host}:${port}/auth/me`;
      const resolve = pair.host === undefined || pair.host === 'localhost' ? [] : ['--resolve', `${pair.host}:${port}:127.0.0.1`];
      const { report } = await diagnoseJson([url, '--origin', pair.origin, '--login', email, ...resolve, ...(pair.args ?? [])], ENV);
      expect(errorIds(report), pair.origin).toEqual([]);
      expect(report.passed.some((line) => line.startsWith('GET /auth/me after login is signed in')), pair.origin).toBe(true);
      await running.close();
      server = undefined;
    }
  });

  it('completes a full diagnosis with login at production password cost in under two seconds', async () => {
    const { server: running, email } = await withUser([APP], { overrides: { passwords: { memoryCostKiB: 19456, timeCost: 2 } } });
    const started = performance.now();
    const { report } = await diagnoseJson([`${running.url}/auth/me`, '--origin', APP, '--method', 'POST', '--login', email], ENV);
    expect(report.verdict).toBe('ok');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(report.durationMs).toBeLessThan(2000);
  });
});
