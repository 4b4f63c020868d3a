import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { compileAllowlist } from './allowlist.js';
import type { OriginEntry } from './allowlist.js';
import { CorsConfigError } from './config-error.js';

const production = { development: false };
const development = { development: true };

function allowlist(...entries: OriginEntry[]) {
  return compileAllowlist(entries, production);
}

describe('compileAllowlist: configuration', () => {
  it("C3 refuses '*' at startup with a message that names the fix", () => {
    expect(() => allowlist('*')).toThrow(CorsConfigError);
    expect(() => allowlist('*')).toThrow(
      "origins: '*' cannot be combined with credentials: list the app origins, e.g. 'https://app.example.com', or a preset such as 'capacitor'",
    );
    expect(() => allowlist('https://app.example.com', ' * ')).toThrow(/'\*' cannot be combined with credentials/);
  });

  it('C3 refuses reflect-all entries, true, empty strings and values of the wrong type', () => {
    for (const entry of ['reflect', 'REFLECT', 'true', 'any', 'all', '*://*', 'https://*', 'http://*']) {
      expect(() => allowlist(entry), entry).toThrow(/would trust every origin with credentials: list the app origins/);
    }
    expect(() => compileAllowlist([true] as unknown as OriginEntry[], production)).toThrow(/would reflect every origin/);
    expect(() => compileAllowlist([/example\.com$/] as unknown as OriginEntry[], production)).toThrow(/not a string or a function/);
    expect(() => compileAllowlist('https://app.example.com' as unknown as OriginEntry[], production)).toThrow(/origins must be a list/);
    expect(() => allowlist('')).toThrow(/origins: '' is empty/);
    expect(() => allowlist('   ')).toThrow(/is empty/);
  });

  it('refuses entries that are not origins, naming the entry', () => {
    expect(() => allowlist('https://app.example.com/login')).toThrow(/origins: 'https:\/\/app.example.com\/login' has a path/);
    expect(() => allowlist('app.example.com')).toThrow(/has no scheme/);
  });

  it('C8 refuses wildcards anywhere but the whole first label', () => {
    for (const entry of ['https://a.*.com', 'https://*', 'https://*example.com', 'https://**.example.com', 'https://*.*.example.com', '*.example.com', 'https://app.example.*', 'http*://app.example.com', 'https://*.example.com/*']) {
      expect(() => allowlist(entry), entry).toThrow(CorsConfigError);
      expect(() => allowlist(entry), entry).toThrow(`origins: '${entry}'`);
    }
  });

  it('C8 refuses patterns at or above a public suffix, private suffixes included', () => {
    for (const entry of ['https://*.com', 'https://*.co.uk', 'https://*.github.io', 'https://*.pages.dev', 'https://*.localhost', 'https://*.internal', 'capacitor://*.localhost']) {
      expect(() => allowlist(entry), entry).toThrow(/would match every site under a public suffix/);
    }
    expect(() => allowlist('https://*.1.1.1')).toThrow(/IP address/);
    expect(() => allowlist('https://*.[::1]')).toThrow(CorsConfigError);
    expect(() => allowlist('https://*.example.com')).not.toThrow();
    expect(() => allowlist('https://*.myname.github.io')).not.toThrow();
    expect(() => allowlist('https://*.example.co.uk')).not.toThrow();
  });

  it('normalises exact entries once: case, default port, trailing slash', () => {
    const list = allowlist('HTTPS://App.Example.com:443/');
    expect(list.isAllowed('https://app.example.com')).toBe(true);
    expect(list.describe()).toEqual(['exact https://app.example.com']);
  });

  it('describes every entry for logs and the doctor', () => {
    const list = compileAllowlist(['capacitor', 'https://*.example.com', function trustStaging() { return false; }], production);
    expect(list.describe()).toEqual([
      "exact capacitor://localhost (preset 'capacitor')",
      "exact https://localhost (preset 'capacitor')",
      'pattern https://*.example.com (subdomains at any depth, not the apex example.com)',
      'function trustStaging',
    ]);
  });
});

describe('compileAllowlist: warnings', () => {
  it('warns about localhost and plain http outside development only', () => {
    const entries = ['http://localhost:5173', 'https://localhost', 'http://127.0.0.1:8080', 'http://app.example.com', 'https://app.example.com'];
    const prod = compileAllowlist(entries, production).warnings;
    expect(prod).toHaveLength(4);
    expect(prod[0]).toMatch(/^origins: 'http:\/\/localhost:5173' trusts any local server on the user's machine/);
    expect(prod[1]).toMatch(/'https:\/\/localhost' trusts any local server/);
    expect(prod[2]).toMatch(/'http:\/\/127.0.0.1:8080' trusts any local server/);
    expect(prod[3]).toMatch(/'http:\/\/app.example.com' is plain http/);
    expect(compileAllowlist(entries, development).warnings).toEqual([]);
  });

  it('warns about the localhost origin that a preset brings, naming the preset', () => {
    expect(compileAllowlist(['capacitor'], production).warnings).toEqual([expect.stringMatching(/'https:\/\/localhost' \(preset 'capacitor'\) trusts any local server/)]);
    expect(compileAllowlist(['ionic'], production).warnings).toEqual([expect.stringMatching(/'http:\/\/localhost' \(preset 'ionic'\)/)]);
    expect(compileAllowlist(['capacitor', 'ionic'], development).warnings).toEqual([]);
  });

  it("C7 warns about 'null' even in development", () => {
    expect(compileAllowlist(['null'], development).warnings).toEqual([expect.stringMatching(/^origins: 'null' trusts every sandboxed iframe/)]);
  });

  it('warns about plain-http patterns and an empty list', () => {
    expect(allowlist('http://*.example.com').warnings).toEqual([expect.stringMatching(/is plain http/)]);
    expect(compileAllowlist([], production).warnings).toEqual([expect.stringMatching(/origins is empty/)]);
  });
});

describe('compileAllowlist: isAllowed', () => {
  const app = allowlist('https://app.example.com');

  it('C1 allows the exact configured origin', () => {
    expect(app.isAllowed('https://app.example.com')).toBe(true);
  });

  it('C3 never allows random origins', () => {
    for (const origin of ['https://attacker.example', 'http://evil.test', 'null', '*', '']) expect(app.isAllowed(origin)).toBe(false);
    fc.assert(
      fc.property(fc.webUrl(), fc.string(), (url, text) => {
        const origin = url.slice(0, url.indexOf('/', url.indexOf('//') + 2) >>> 0);
        expect(app.isAllowed(origin === 'https://app.example.com' ? 'https://other.example' : origin)).toBe(false);
        expect(app.isAllowed(text)).toBe(false);
      }),
    );
  });

  it('C4 requires the scheme to match', () => {
    expect(app.isAllowed('http://app.example.com')).toBe(false);
    expect(app.isAllowed('wss://app.example.com')).toBe(false);
    expect(allowlist('http://app.example.com').isAllowed('https://app.example.com')).toBe(false);
  });

  it('C5 refuses suffix, prefix and regex-dot confusions', () => {
    for (const list of [app, allowlist('https://*.example.com'), allowlist('https://app.example.com', 'https://*.example.com')]) {
      for (const origin of ['https://evilapp.example.com.evil.net', 'https://app.example.com.evil.net', 'https://app-example.com', 'https://appXexample.com', 'https://notexample.com', 'https://example.com.evil.net', 'https://evilexample.com']) {
        expect(list.isAllowed(origin), origin).toBe(false);
      }
    }
    expect(app.isAllowed('https://evilapp.example.com')).toBe(false);
  });

  it('C6 refuses URL-parser smuggling, for exact and pattern lists', () => {
    for (const list of [app, allowlist('https://*.example.com')]) {
      for (const origin of ['https://app.example.com@evil.net', 'https://evil.net?.app.example.com', 'https://evil.net#.app.example.com', 'https://evil.net\\.app.example.com', 'https://app.example.com%2eevil.net', 'https://evil.com?.example.com', 'https://evil.com/.example.com']) {
        expect(list.isAllowed(origin), origin).toBe(false);
      }
    }
  });

  it('C7 refuses null and file:// unless null is listed; file:// never', () => {
    const patterned = allowlist('https://*.example.com', () => true);
    for (const list of [app, patterned]) {
      expect(list.isAllowed('null')).toBe(false);
      expect(list.isAllowed('file://')).toBe(false);
    }
    const withNull = allowlist('https://app.example.com', 'null');
    expect(withNull.isAllowed('null')).toBe(true);
    expect(withNull.isAllowed('file://')).toBe(false);
    expect(withNull.isAllowed('NULL')).toBe(false);
  });

  it('C8 pattern semantics: any subdomain depth, never the apex, same scheme, same port', () => {
    const list = allowlist('https://*.example.com');
    expect(list.isAllowed('https://a.example.com')).toBe(true);
    expect(list.isAllowed('https://a.b.example.com')).toBe(true);
    expect(list.isAllowed('https://example.com')).toBe(false); // apex: list it separately
    expect(list.isAllowed('https://.example.com')).toBe(false);
    expect(list.isAllowed('http://a.example.com')).toBe(false);
    expect(list.isAllowed('https://a.example.com.evil.net')).toBe(false);
    expect(list.isAllowed('https://evil.com?.example.com')).toBe(false);
    expect(list.isAllowed('https://a.example.com:8443')).toBe(false);
    expect(list.isAllowed('https://A.example.com')).toBe(false);
    expect(list.isAllowed('https://a.example.com.')).toBe(false);

    const withPort = allowlist('https://*.example.com:8443');
    expect(withPort.isAllowed('https://a.example.com:8443')).toBe(true);
    expect(withPort.isAllowed('https://a.example.com')).toBe(false);
    expect(withPort.isAllowed('https://a.example.com:9443')).toBe(false);

    const normalised = allowlist('HTTPS://*.Example.COM:443/');
    expect(normalised.isAllowed('https://a.example.com')).toBe(true);
  });

  it('C9 accepts exactly the hybrid-app origins of the presets, and nothing near them', () => {
    const list = allowlist('capacitor', 'ionic');
    for (const origin of ['capacitor://localhost', 'ionic://localhost', 'https://localhost', 'http://localhost']) expect(list.isAllowed(origin), origin).toBe(true);
    for (const origin of [
      'capacitor://localhost.evil.com',
      'capacitor://localhost:1234',
      'capacitor://evil',
      'capacitor://localhost/../x',
      'http://localhost:3000',
      'http://127.0.0.1',
      'http://[::1]',
      'https://localhost.evil.com',
      'ionic://localhost@evil',
      'capacitor://localhost/',
      'capacitor:localhost',
    ]) {
      expect(list.isAllowed(origin), origin).toBe(false);
    }
  });

  it('C9 case policy: configuration is lower-cased, a request in upper case fails closed', () => {
    const list = allowlist('CAPACITOR://LOCALHOST');
    expect(list.isAllowed('capacitor://localhost')).toBe(true);
    expect(list.isAllowed('CAPACITOR://LOCALHOST')).toBe(false);
    expect(list.isAllowed('Capacitor://localhost')).toBe(false);
    expect(allowlist('Capacitor').isAllowed('capacitor://localhost')).toBe(true);
  });

  it('M5 refuses CR/LF/NUL/tab around an allowed origin', () => {
    const lists = [app, allowlist('https://*.example.com'), allowlist(() => true)];
    for (const list of lists) {
      for (const origin of ['https://app.example.com\r\nX-Injected: 1', 'https://app.example.com\0', 'https://app.example.com\t', '\thttps://app.example.com', 'https://app.example.com\n']) {
        expect(list.isAllowed(origin), JSON.stringify(origin)).toBe(false);
      }
    }
  });

  it('M6 refuses every canonical-form oddity of an allowed origin', () => {
    const lists = [app, allowlist('https://*.example.com')];
    for (const list of lists) {
      for (const origin of ['https://app.example.com/', 'HTTPS://APP.EXAMPLE.COM', 'https://app.example.com:443', 'https://app.example.com:0443', 'https://app.example.com.', ' https://app.example.com', 'https://app.example.com ', 'https://app.example.com, https://evil.com', 'https://app.example.com,https://app.example.com', '', 'https://example.com]']) {
        expect(list.isAllowed(origin), origin).toBe(false);
      }
    }
  });

  it('M7 matches an IDN configured in unicode only in its punycode form; unicode and homoglyphs are refused', () => {
    const list = allowlist('https://bücher.example', 'https://app.example.com');
    expect(list.isAllowed('https://xn--bcher-kva.example')).toBe(true);
    expect(list.isAllowed('https://bücher.example')).toBe(false);
    const homoglyph = 'https://\u0430pp.example.com'; // Cyrillic а
    expect(list.isAllowed(homoglyph)).toBe(false);
    const homoglyphAscii = `https://${domainToASCII('\u0430pp.example.com')}`;
    expect(homoglyphAscii).toMatch(/^https:\/\/xn--/);
    expect(list.isAllowed(homoglyphAscii)).toBe(false);
    expect(allowlist('https://*.example.com').isAllowed(homoglyph)).toBe(false);
  });

  it('refuses an Origin longer than 2048 characters before any lookup', () => {
    const allow = vi.fn(() => true);
    const list = allowlist(allow);
    expect(list.isAllowed(`https://${'a'.repeat(3000)}.example.com`)).toBe(false);
    expect(allow).not.toHaveBeenCalled();
  });

  it('calls functions with well-formed origins only; only `true` allows; a throw is a refusal', () => {
    const seen: string[] = [];
    const list = allowlist(
      () => {
        throw new Error('boom');
      },
      ((origin: string) => (origin === 'https://truthy.example' ? 'yes' : false)) as unknown as OriginEntry,
      (origin) => {
        seen.push(origin);
        return origin === 'https://staging.example.org';
      },
    );
    expect(list.isAllowed('https://staging.example.org')).toBe(true);
    expect(list.isAllowed('https://truthy.example')).toBe(false);
    expect(list.isAllowed('https://other.example')).toBe(false);
    expect(list.isAllowed('null')).toBe(false);
    expect(list.isAllowed('HTTPS://STAGING.EXAMPLE.ORG')).toBe(false);
    expect(seen).toEqual(['https://staging.example.org', 'https://truthy.example', 'https://other.example']);
  });
});

describe('compileAllowlist: properties', () => {
  const allowed = 'https://app.example.com';
  const chars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.-:/@?#%\\[] \t\r\n\0ü'.split(''));
  const mutation = fc.oneof(
    fc.record({ at: fc.nat(allowed.length), insert: chars }).map(({ at, insert }) => allowed.slice(0, at) + insert + allowed.slice(at)),
    fc.nat(allowed.length - 1).map((at) => allowed.slice(0, at) + allowed.slice(at + 1)),
    fc.record({ at: fc.nat(allowed.length - 1), put: chars }).map(({ at, put }) => allowed.slice(0, at) + put + allowed.slice(at + 1)),
    fc.nat(allowed.length - 1).map((at) => allowed.slice(0, at) + allowed.charAt(at).toUpperCase() + allowed.slice(at + 1)),
    fc.string({ unit: chars, minLength: 1, maxLength: 12 }).map((suffix) => allowed + suffix),
    fc.string({ unit: chars, minLength: 1, maxLength: 12 }).map((prefix) => prefix + allowed),
  );

  it('an exact-only allowlist accepts nothing but the configured origins', () => {
    const list = allowlist(allowed, 'capacitor://localhost');
    fc.assert(
      fc.property(mutation, (origin) => {
        expect(list.isAllowed(origin)).toBe(origin === allowed);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (origin) => {
        expect(list.isAllowed(origin)).toBe(origin === allowed || origin === 'capacitor://localhost');
      }),
    );
  });

  it('a pattern allowlist accepts only origins with its scheme that end with its suffix below it', () => {
    const list = allowlist('https://*.example.com');
    const label = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    const candidate = fc.oneof(
      mutation,
      fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => `https://${labels.join('.')}.example.com`),
      fc.tuple(fc.array(label, { maxLength: 3 }), fc.string({ unit: chars, maxLength: 6 })).map(([labels, tail]) => `https://${labels.join('.')}.example.com${tail}`),
    );
    fc.assert(
      fc.property(candidate, (origin) => {
        if (!list.isAllowed(origin)) return;
        expect(origin.startsWith('https://')).toBe(true);
        expect(origin.endsWith('.example.com')).toBe(true);
        expect(origin.length).toBeGreaterThan('https://.example.com'.length);
        expect(origin.slice('https://'.length)).toMatch(/^[a-z0-9.-]+$/);
      }),
      { numRuns: 5000 },
    );
  });
});
