import { afterEach, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/doctor/index.js';
import { answerPreflight, APP, diagnoseJson, grant, ids, json, startRaw, type Handler, type RawServer } from './doctor-helpers.js';

/**
 * The gallery: one deliberately misconfigured hand-rolled node:http server per finding, each on
 * loopback. Named hosts (app.test, api.example.com) reach loopback through --resolve, as curl would.
 */

interface GalleryCase {
  sentence: string;
  id: string;
  handler: Handler;
  /** Doctor arguments after the URL; `url` builds the URL from the server's port. */
  args?: string[];
  url?: (port: number) => string;
  resolve?: string;
}

const cookieServer =
  (cookies: string[], allowed: readonly string[] = [APP]): Handler =>
  (req, res) => {
    if (answerPreflight(req, res, allowed)) return;
    grant(req, res, allowed);
    json(req, res, 200, { ok: true }, { 'Set-Cookie': cookies });
  };

const GALLERY: GalleryCase[] = [
  {
    sentence: 'Access-Control-Allow-Origin: * with credentials is an error',
    id: 'cors.wildcard-with-credentials',
    handler: (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a server that reflects any origin is caught by the unrelated-origin probe',
    id: 'cors.reflects-any-origin',
    handler: (req, res) => {
      if (answerPreflight(req, res, [req.headers.origin ?? ''])) return;
      grant(req, res, [req.headers.origin ?? '']);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a server that trusts the null origin is caught by the null probe',
    id: 'cors.null-origin-allowed',
    handler: (req, res) => {
      grant(req, res, [APP, 'null']);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a grant without Access-Control-Allow-Credentials is an error',
    id: 'cors.credentials-missing',
    handler: (req, res) => {
      res.setHeader('Vary', 'Origin');
      if (req.headers.origin === APP) res.setHeader('Access-Control-Allow-Origin', APP);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a grant without Vary: Origin is a warning',
    id: 'cors.vary-origin-missing',
    handler: (req, res) => {
      grant(req, res);
      res.removeHeader('Vary');
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a preflight answered with a redirect is an error',
    id: 'cors.preflight-redirect',
    args: ['--method', 'POST'],
    handler: (req, res) => {
      if (req.method === 'OPTIONS') return void res.writeHead(301, { Location: 'https://api.example.com/auth/me/' }).end();
      grant(req, res);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a preflight answered with 500 is an error',
    id: 'cors.preflight-status',
    args: ['--method', 'POST'],
    handler: (req, res) => {
      if (req.method === 'OPTIONS') return void res.writeHead(500).end('boom');
      grant(req, res);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a preflight that does not allow X-CSRF-Token is an error',
    id: 'cors.header-not-allowed',
    args: ['--method', 'POST', '--header', 'Authorization'],
    handler: (req, res) => {
      if (req.method === 'OPTIONS') {
        grant(req, res);
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
        return void res.writeHead(204).end();
      }
      grant(req, res);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a preflight that does not allow the method is an error',
    id: 'cors.method-not-allowed',
    args: ['--method', 'DELETE'],
    handler: (req, res) => {
      if (req.method === 'OPTIONS') {
        grant(req, res);
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-CSRF-Token');
        return void res.writeHead(204).end();
      }
      grant(req, res);
      json(req, res, 204, {});
    },
  },
  {
    sentence: 'an X-CSRF-Token response header that is not exposed is an error',
    id: 'cors.header-not-exposed',
    handler: (req, res) => {
      grant(req, res);
      json(req, res, 200, {}, { 'X-CSRF-Token': 'token-the-app-cannot-read' });
    },
  },
  {
    sentence: 'an error answer that skips the CORS headers after a good preflight is an error',
    id: 'cors.response-not-granted',
    args: ['--method', 'POST'],
    handler: (req, res) => {
      if (answerPreflight(req, res)) return;
      json(req, res, 401, { error: 'unauthenticated' });
    },
  },
  {
    sentence: 'a hand-rolled allowlist without the app origin refuses it',
    id: 'cors.origin-refused',
    handler: (req, res) => {
      grant(req, res, ['https://other.example.com']);
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'a Lax session cookie on a cross-site pair is an error',
    id: 'cookie.samesite-lax-cross-site',
    handler: cookieServer(['sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax']),
  },
  {
    sentence: 'SameSite=None without Secure is an error',
    id: 'cookie.samesite-none-insecure',
    handler: cookieServer(['sid=abc; Path=/; HttpOnly; SameSite=None']),
  },
  {
    sentence: 'a Secure cookie over plain http on a named, non-loopback host is an error',
    id: 'cookie.secure-over-http',
    url: (port) => `http://app.test:${port}/auth/me`,
    resolve: 'app.test',
    args: ['--origin', 'http://app.test:5173'],
    handler: cookieServer(['sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax'], ['http://app.test:5173']),
  },
  {
    sentence: 'a Domain that does not cover the API host is an error',
    id: 'cookie.domain-mismatch',
    url: (port) => `http://api.example.com:${port}/auth/me`,
    resolve: 'api.example.com',
    args: ['--origin', 'http://app.example.com'],
    handler: cookieServer(['sid=abc; Path=/; HttpOnly; SameSite=Lax; Domain=example.org'], ['http://app.example.com']),
  },
  {
    sentence: 'a browser-session cookie is a warning for a hybrid-app origin',
    id: 'cookie.no-expiry-hybrid',
    args: ['--origin', 'capacitor://localhost'],
    handler: cookieServer(['sid=abc; Path=/; HttpOnly; Secure; SameSite=None; Partitioned'], ['capacitor://localhost']),
  },
  {
    sentence: 'a __Host- cookie with a Domain is an error',
    id: 'cookie.host-prefix-invalid',
    url: (port) => `http://localhost:${port}/auth/me`,
    args: ['--origin', 'http://localhost:5173'],
    handler: cookieServer(['__Host-sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Domain=localhost'], ['http://localhost:5173']),
  },
  {
    sentence: 'a __Secure- cookie without Secure is an error',
    id: 'cookie.secure-prefix-invalid',
    url: (port) => `http://localhost:${port}/auth/me`,
    args: ['--origin', 'http://localhost:5173'],
    handler: cookieServer(['__Secure-sid=abc; Path=/; HttpOnly; SameSite=Lax'], ['http://localhost:5173']),
  },
  {
    sentence: 'a cookie over 4096 bytes is an error',
    id: 'cookie.oversize',
    handler: cookieServer([`profile=${'x'.repeat(5000)}; Path=/; Secure; SameSite=None; Partitioned`]),
  },
  {
    sentence: 'a cross-site cookie without Partitioned is an error',
    id: 'cookie.cross-site-unpartitioned',
    handler: cookieServer(['sid=abc; Path=/; HttpOnly; Secure; SameSite=None']),
  },
  {
    sentence: 'a CSRF token only in a cookie the cross-site app cannot read, and not in an exposed header, is an error',
    id: 'csrf.token-unreadable',
    handler: (req, res) => {
      if (answerPreflight(req, res)) return;
      grant(req, res);
      if (req.url === '/auth/csrf') return json(req, res, 200, { ok: true }, { 'Set-Cookie': 'XSRF-TOKEN=t0k3n; Path=/; Secure; SameSite=None; Partitioned' });
      json(req, res, 200, {});
    },
  },
  {
    sentence: 'an https app calling a plain-http API on a named host is mixed content',
    id: 'topology.mixed-content',
    url: (port) => `http://api.example.com:${port}/auth/me`,
    resolve: 'api.example.com',
    handler: cookieServer([]),
  },
  {
    sentence: 'a session that the browser drops after login is reported with the login',
    id: 'login.session-not-kept',
    args: ['--login', 'ada@example.com'],
    handler: (req, res) => {
      if (answerPreflight(req, res)) return;
      grant(req, res);
      res.setHeader('Access-Control-Expose-Headers', 'X-CSRF-Token');
      if (req.url === '/auth/csrf') return json(req, res, 200, { csrfToken: 't0k3n' }, { 'X-CSRF-Token': 't0k3n' });
      if (req.url === '/auth/login') return json(req, res, 200, { user: { id: '1' } }, { 'Set-Cookie': 'sid=s3ss10n; Path=/; HttpOnly; SameSite=Lax' });
      json(req, res, req.headers.cookie?.includes('sid=s3ss10n') === true ? 200 : 401, {});
    },
  },
];

describe('crossauth doctor against a gallery of misconfigured servers', () => {
  let server: RawServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const gallery of GALLERY) {
    it(`${gallery.sentence} (${gallery.id})`, async () => {
      server = await startRaw(gallery.handler);
      const url = gallery.url?.(server.port) ?? `${server.url}/auth/me`;
      const args = [url, '--origin', APP, ...(gallery.args ?? [])];
      if (gallery.resolve !== undefined) args.push('--resolve', `${gallery.resolve}:${server.port}:127.0.0.1`);
      const { code, report } = await diagnoseJson(args, { CROSSAUTH_DOCTOR_PASSWORD: 'correct horse battery' });
      expect(ids(report)).toContain(gallery.id);
      const finding = report.findings.find((item) => item.id === gallery.id)!;
      expect(finding.severity).toBe(CATALOGUE[gallery.id as keyof typeof CATALOGUE].severity);
      expect(code).toBe(report.findings.some((item) => item.severity === 'error') ? 1 : 0);
    });
  }

  it('holds at least fifteen misconfigured servers, each for a different finding', () => {
    expect(new Set(GALLERY.map((gallery) => gallery.id)).size).toBe(GALLERY.length);
    expect(GALLERY.length).toBeGreaterThanOrEqual(15);
  });

  it('reports Domain set to a public suffix as a Domain mismatch', async () => {
    server = await startRaw(cookieServer(['sid=abc; Path=/; SameSite=Lax; Domain=com'], ['http://app.example.com']));
    const { report } = await diagnoseJson([`http://api.example.com:${server.port}/`, '--origin', 'http://app.example.com', '--resolve', `api.example.com:${server.port}:127.0.0.1`]);
    expect(report.findings.find((finding) => finding.id === 'cookie.domain-mismatch')?.detail).toContain('public suffix');
  });

  it('treats a cookie without SameSite as Lax on a cross-site pair', async () => {
    server = await startRaw(cookieServer(['sid=abc; Path=/; HttpOnly; Secure']));
    const { report } = await diagnoseJson([`${server.url}/`, '--origin', APP]);
    expect(report.findings.find((finding) => finding.id === 'cookie.samesite-lax-cross-site')?.detail).toContain('no SameSite');
  });

  it('names Authorization among the headers a preflight does not allow when the app sends it', async () => {
    server = await startRaw(GALLERY.find((gallery) => gallery.id === 'cors.header-not-allowed')!.handler);
    const { report } = await diagnoseJson([`${server.url}/`, '--origin', APP, '--method', 'POST', '--header', 'Authorization']);
    expect(report.findings.find((finding) => finding.id === 'cors.header-not-allowed')?.subject).toBe('authorization, x-csrf-token');
  });
});
