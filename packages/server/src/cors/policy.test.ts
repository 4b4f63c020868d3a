import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestView } from '../http/types.js';
import { CorsConfigError } from './config-error.js';
import { compileCorsPolicy } from './policy.js';
import type { CorsOptions } from './policy.js';
import { mergeVary } from './vary.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

/** A fake request view: header names lower-case; an array value stands for a repeated header. */
function view(method: string, headers: Record<string, string | string[]> = {}, path = '/api/notes'): RequestView {
  return {
    method,
    path,
    header: (name) => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    headerCount: (name) => {
      const value = headers[name];
      return value === undefined ? 0 : Array.isArray(value) ? value.length : 1;
    },
    remoteAddress: '127.0.0.1',
    secure: true,
  };
}

function preflight(origin: string, method = 'POST', extra: Record<string, string | string[]> = {}): RequestView {
  return view('OPTIONS', { origin, 'access-control-request-method': method, ...extra });
}

function policy(options: Partial<CorsOptions> = {}) {
  return compileCorsPolicy({ origins: [APP, 'capacitor'], ...options });
}

const cors = policy();

function accessControlHeaders(headers: Record<string, string>): string[] {
  return Object.keys(headers).filter((name) => name.toLowerCase().startsWith('access-control-'));
}

describe('corsHeadersFor (actual requests)', () => {
  it('C1 echoes an allowed origin exactly, with credentials and the exposed headers', () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const decision = cors.corsHeadersFor(view(method, { origin: APP }));
      expect(decision).toEqual({
        allowed: true,
        origin: APP,
        headers: {
          'Access-Control-Allow-Origin': APP,
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Expose-Headers': 'X-CSRF-Token, Retry-After',
          Vary: 'Origin',
        },
      });
    }
    expect(cors.corsHeadersFor(view('GET', { origin: 'capacitor://localhost' })).headers['Access-Control-Allow-Origin']).toBe('capacitor://localhost');
  });

  it('C2 gives a refused origin no grant at all: no ACAO, no ACAC', () => {
    const decision = cors.corsHeadersFor(view('GET', { origin: EVIL }));
    expect(decision).toEqual({ allowed: false, origin: EVIL, headers: { Vary: 'Origin' } });
  });

  it('C3 never reflects random origins and never sends *', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom('null', '*', 'http://evil.test', 'https://attacker.example')), (origin) => {
        const { headers } = cors.corsHeadersFor(view('GET', { origin }));
        const grant = headers['Access-Control-Allow-Origin'];
        if (origin === APP || origin === 'capacitor://localhost' || origin === 'https://localhost') expect(grant).toBe(origin);
        else expect(accessControlHeaders(headers)).toEqual([]);
        expect(grant).not.toBe('*');
      }),
    );
  });

  it('C4 refuses the same host on another scheme', () => {
    expect(cors.corsHeadersFor(view('GET', { origin: 'http://app.example.com' })).allowed).toBe(false);
  });

  it('C7 grants nothing to null or file:// unless null is listed', () => {
    for (const origin of ['null', 'file://']) expect(accessControlHeaders(cors.corsHeadersFor(view('GET', { origin })).headers)).toEqual([]);
    const withNull = policy({ origins: [APP, 'null'] });
    expect(withNull.corsHeadersFor(view('GET', { origin: 'null' })).headers['Access-Control-Allow-Origin']).toBe('null');
    expect(withNull.warnings).toEqual([expect.stringMatching(/'null'/)]);
  });

  it('C12 always varies on Origin, even without one, and never copies the request Vary', () => {
    expect(cors.corsHeadersFor(view('GET')).headers).toEqual({ Vary: 'Origin' });
    expect(cors.corsHeadersFor(view('GET')).origin).toBeUndefined();
    for (const origin of [APP, EVIL]) {
      const { headers } = cors.corsHeadersFor(view('GET', { origin, vary: 'x, Cookie' }));
      expect(headers.Vary).toBe('Origin');
    }
    expect(cors.answerPreflight(preflight(APP, 'POST', { vary: 'x' }))?.headers.Vary).toBe(PREFLIGHT_VARY);
    expect(cors.answerPreflight(preflight(EVIL, 'POST', { vary: 'x' }))?.headers.Vary).toBe(PREFLIGHT_VARY);
  });

  it('C12 mergeVary appends to an existing Vary instead of replacing it', () => {
    expect(mergeVary(undefined, 'Origin')).toBe('Origin');
    expect(mergeVary('', 'Origin')).toBe('Origin');
    expect(mergeVary('Cookie', 'Origin')).toBe('Cookie, Origin');
    expect(mergeVary('Accept-Encoding, origin', 'Origin, Cookie')).toBe('Accept-Encoding, origin, Cookie');
    expect(mergeVary('*', 'Origin')).toBe('*');
    expect(mergeVary('Cookie', '*')).toBe('*');
  });

  it('M5 never echoes an Origin with CR, LF, NUL or tab', () => {
    for (const origin of [`${APP}\r\nX-Injected: 1`, `${APP}\0`, `${APP}\t`, `\t${APP}`]) {
      expect(cors.corsHeadersFor(view('GET', { origin })).headers).toEqual({ Vary: 'Origin' });
      const answer = cors.answerPreflight(preflight(origin));
      expect(answer).toMatchObject({ status: 403, code: 'origin_not_allowed' });
      expect(answer?.status === 403 && answer.message).not.toContain('\r');
    }
  });

  it('M6 refuses canonical-form oddities, an empty Origin and two Origin headers', () => {
    for (const origin of [`${APP}/`, 'HTTPS://APP.EXAMPLE.COM', `${APP}:443`, `${APP}:0443`, `${APP}.`, ` ${APP}`, `${APP} `, `${APP}, https://evil.com`, '', 'https://example.com]']) {
      expect(cors.corsHeadersFor(view('GET', { origin })).allowed, origin).toBe(false);
    }
    expect(cors.corsHeadersFor(view('POST', { origin: [APP, APP] })).allowed).toBe(false);
    expect(cors.corsHeadersFor(view('POST', { origin: [APP, EVIL] })).allowed).toBe(false);
    // An adapter that joins nothing but still counts two headers: the count alone refuses.
    const twoCounted: RequestView = { ...view('POST', { origin: APP }), headerCount: () => 2 };
    expect(cors.corsHeadersFor(twoCounted).allowed).toBe(false);
    expect(cors.answerPreflight({ ...preflight(APP), headerCount: () => 2 })).toMatchObject({ status: 403, code: 'origin_not_allowed' });
  });
});

describe('answerPreflight', () => {
  it('answers null for requests that are not preflights', () => {
    expect(cors.answerPreflight(view('GET', { origin: APP, 'access-control-request-method': 'POST' }))).toBeNull();
    expect(cors.answerPreflight(view('OPTIONS', { origin: APP }))).toBeNull();
    expect(cors.answerPreflight(view('OPTIONS', { 'access-control-request-method': 'POST' }))).toBeNull();
    expect(cors.answerPreflight(view('options', { origin: APP, 'access-control-request-method': 'POST' }))).toBeNull();
  });

  it('C10 grants an allowed origin exactly, with methods, headers, max-age and the full Vary', () => {
    const answer = cors.answerPreflight(preflight(APP, 'POST', { 'access-control-request-headers': 'content-type,x-csrftoken' }));
    expect(answer).toEqual({
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers':
          'content-type, authorization, x-csrf-token, x-xsrf-token, x-csrftoken, x-requested-with, accept, accept-language, content-language, cache-control, pragma',
        'Access-Control-Max-Age': '7200',
        Vary: PREFLIGHT_VARY,
      },
    });
    for (const requested of ['Content-Type, X-CSRF-Token', 'x-xsrf-token, authorization', ' X-CSRFToken ', ',,,', '']) {
      expect(cors.answerPreflight(preflight(APP, 'DELETE', { 'access-control-request-headers': requested }))?.status, requested).toBe(204);
    }
    expect(cors.answerPreflight(preflight('capacitor://localhost', 'PUT'))?.status).toBe(204);
  });

  it('C10 grants Private Network Access only when the browser asks for it', () => {
    expect(cors.answerPreflight(preflight(APP))?.headers['Access-Control-Allow-Private-Network']).toBeUndefined();
    const asked = cors.answerPreflight(preflight(APP, 'POST', { 'access-control-request-private-network': 'true' }));
    expect(asked?.headers['Access-Control-Allow-Private-Network']).toBe('true');
    const refused = cors.answerPreflight(preflight(EVIL, 'POST', { 'access-control-request-private-network': 'true' }));
    expect(accessControlHeaders(refused?.headers ?? {})).toEqual([]);
  });

  it('C11 refuses a disallowed origin with 403 origin_not_allowed and no Access-Control headers', () => {
    const answer = cors.answerPreflight(preflight(EVIL));
    expect(answer).toEqual({
      status: 403,
      code: 'origin_not_allowed',
      message: expect.stringContaining(`'${EVIL}' is not allowed`) as unknown as string,
      headers: { Vary: PREFLIGHT_VARY },
    });
    const weird = cors.answerPreflight(preflight('https://x.example/\u0000<script>'));
    expect(weird?.status === 403 && weird.message).not.toContain('<script>');
  });

  it('C11 refuses a method or header outside the lists with 403 forbidden, naming the option', () => {
    const trace = cors.answerPreflight(preflight(APP, 'TRACE'));
    expect(trace).toMatchObject({ status: 403, code: 'forbidden', headers: { Vary: PREFLIGHT_VARY } });
    expect(trace?.status === 403 && trace.message).toMatch(/'TRACE'.*'allowedMethods'/);
    expect(accessControlHeaders(trace?.headers ?? {})).toEqual([]);

    const header = cors.answerPreflight(preflight(APP, 'POST', { 'access-control-request-headers': 'content-type, x-secret' }));
    expect(header).toMatchObject({ status: 403, code: 'forbidden', headers: { Vary: PREFLIGHT_VARY } });
    expect(header?.status === 403 && header.message).toMatch(/'x-secret'.*'allowedHeaders'/);
    expect(accessControlHeaders(header?.headers ?? {})).toEqual([]);
  });

  it('compares methods exactly: methods are case-sensitive', () => {
    expect(cors.answerPreflight(preflight(APP, 'post'))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(cors.answerPreflight(preflight(APP, 'POST, PUT'))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(cors.answerPreflight(preflight(APP, ''))).toMatchObject({ status: 403, code: 'forbidden' });
    const custom = policy({ allowedMethods: ['GET', 'PROPFIND'] });
    expect(custom.answerPreflight(preflight(APP, 'PROPFIND'))?.status).toBe(204);
    expect(custom.answerPreflight(preflight(APP, 'POST'))?.status).toBe(403);
  });

  it('M12 answers a 200 000-character header list, 100 000 commas and an 8 KB Origin in well under 100 ms', () => {
    const patterned = policy({ origins: [APP, 'https://*.example.com', () => false] });
    const cases: RequestView[] = [
      preflight(APP, 'POST', { 'access-control-request-headers': `x${' '.repeat(200_000)}x` }),
      preflight(APP, 'POST', { 'access-control-request-headers': ','.repeat(100_000) }),
      preflight(APP, 'POST', { 'access-control-request-headers': `content-type${', '.repeat(100_000)}x-csrf-token` }),
      preflight(`https://${'a'.repeat(8192)}.example.com`),
      view('GET', { origin: `https://${'a.'.repeat(4096)}example.com` }),
    ];
    for (const list of [cors, patterned]) {
      for (const request of cases) {
        const started = performance.now();
        if (request.method === 'OPTIONS') list.answerPreflight(request);
        else list.corsHeadersFor(request);
        expect(performance.now() - started).toBeLessThan(50);
      }
    }
    expect(cors.answerPreflight(cases[0] as RequestView)).toMatchObject({ status: 403, code: 'forbidden' });
    expect(cors.answerPreflight(cases[1] as RequestView)?.status).toBe(204);
    expect(cors.answerPreflight(cases[3] as RequestView)).toMatchObject({ status: 403, code: 'origin_not_allowed' });
  });
});

describe('compileCorsPolicy: options', () => {
  it('always exposes X-CSRF-Token and Retry-After, without duplicates', () => {
    const custom = policy({ exposedHeaders: ['x-request-id', 'x-csrf-token'] });
    expect(custom.corsHeadersFor(view('GET', { origin: APP })).headers['Access-Control-Expose-Headers']).toBe('X-CSRF-Token, Retry-After, x-request-id');
  });

  it('takes custom header lists case-insensitively and max-age in seconds', () => {
    const custom = policy({ allowedHeaders: ['Content-Type', 'X-Custom', 'x-custom'], maxAgeSeconds: 600 });
    const answer = custom.answerPreflight(preflight(APP, 'POST', { 'access-control-request-headers': 'x-custom' }));
    expect(answer?.headers['Access-Control-Allow-Headers']).toBe('content-type, x-custom');
    expect(answer?.headers['Access-Control-Max-Age']).toBe('600');
    expect(custom.answerPreflight(preflight(APP, 'POST', { 'access-control-request-headers': 'authorization' }))?.status).toBe(403);
  });

  it("C3 refuses origins: '*' and origins: true, whatever their shape", () => {
    expect(() => compileCorsPolicy({ origins: ['*'] })).toThrow(/origins: '\*' cannot be combined with credentials/);
    expect(() => compileCorsPolicy({ origins: '*' as unknown as string[] })).toThrow(/origins: '\*' cannot be combined with credentials/);
    expect(() => compileCorsPolicy({ origins: true as unknown as string[] })).toThrow(/would reflect every origin/);
  });

  it('refuses wildcards and invalid names in method and header lists, and bad max-ages', () => {
    expect(() => policy({ allowedMethods: ['*'] })).toThrow(/allowedMethods: '\*' is not a wildcard/);
    expect(() => policy({ allowedHeaders: ['*'] })).toThrow(/allowedHeaders: '\*' is not a wildcard/);
    expect(() => policy({ exposedHeaders: ['*'] })).toThrow(/exposedHeaders: '\*'/);
    expect(() => policy({ allowedHeaders: ['x bad'] })).toThrow(/allowedHeaders: "x bad" is not a valid name/);
    expect(() => policy({ allowedMethods: ['GET\r\nX-Injected: 1'] })).toThrow(CorsConfigError);
    expect(() => policy({ allowedMethods: 'GET' as unknown as string[] })).toThrow(/allowedMethods must be an array/);
    for (const maxAgeSeconds of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => policy({ maxAgeSeconds }), String(maxAgeSeconds)).toThrow(/maxAgeSeconds/);
    }
    expect(policy({ maxAgeSeconds: 0 }).answerPreflight(preflight(APP))?.headers['Access-Control-Max-Age']).toBe('0');
  });

  it('shares the allowlist and its warnings with the CSRF origin check', () => {
    const { isAllowed, allowlist, warnings } = policy();
    expect(isAllowed(APP)).toBe(true);
    expect(isAllowed(EVIL)).toBe(false);
    expect(allowlist.isAllowed('capacitor://localhost')).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/'https:\/\/localhost' \(preset 'capacitor'\)/)]);
    expect(policy({ development: true }).warnings).toEqual([]);
  });
});
