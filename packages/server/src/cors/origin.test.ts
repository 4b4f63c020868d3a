import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIpv6 } from './host.js';
import { CorsConfigError, MAX_ORIGIN_LENGTH, normalizeConfiguredOrigin, parseOrigin } from './origin.js';

function reserialize(value: string): string | null {
  const parsed = parseOrigin(value);
  if (parsed === null) return null;
  return `${parsed.scheme}://${parsed.host}${parsed.port === null ? '' : `:${parsed.port}`}`;
}

describe('parseOrigin', () => {
  it('accepts browser serialisations and splits them into parts', () => {
    expect(parseOrigin('https://app.example.com')).toEqual({
      scheme: 'https',
      host: 'app.example.com',
      port: null,
      serialized: 'https://app.example.com',
    });
    expect(parseOrigin('http://localhost:5173')).toMatchObject({ scheme: 'http', host: 'localhost', port: 5173 });
    expect(parseOrigin('capacitor://localhost')).toMatchObject({ scheme: 'capacitor', host: 'localhost', port: null });
    expect(parseOrigin('ionic://localhost')).toMatchObject({ scheme: 'ionic', host: 'localhost' });
    expect(parseOrigin('http://127.0.0.1:8080')).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(parseOrigin('http://[::1]:3000')).toMatchObject({ host: '[::1]', port: 3000 });
    expect(parseOrigin('http://[2001:db8::1]')).toMatchObject({ host: '[2001:db8::1]', port: null });
    expect(parseOrigin('https://xn--bcher-kva.example')).toMatchObject({ host: 'xn--bcher-kva.example' });
    expect(parseOrigin('my-app+x.v2://host-1.example')).toMatchObject({ scheme: 'my-app+x.v2' });
    expect(parseOrigin('http://app.example.com:443')).toMatchObject({ port: 443 }); // not http's default
    expect(parseOrigin('https://a.example.com:65535')).toMatchObject({ port: 65535 });
    expect(parseOrigin('https://a.example.com:1')).toMatchObject({ port: 1 });
  });

  it('M6 refuses every canonical-form oddity', () => {
    for (const value of [
      'https://app.example.com/',
      'HTTPS://APP.EXAMPLE.COM',
      'https://APP.example.com',
      'Https://app.example.com',
      'https://app.example.com:443',
      'http://app.example.com:80',
      'wss://app.example.com:443',
      'https://app.example.com:0443',
      'https://app.example.com:00',
      'https://app.example.com:0',
      'https://app.example.com:65536',
      'https://app.example.com:999999',
      'https://app.example.com:',
      'https://app.example.com:+8',
      'https://app.example.com.',
      'https://.app.example.com',
      'https://app..example.com',
      ' https://app.example.com',
      'https://app.example.com ',
      'https://app.example.com, https://evil.com',
      '',
      'https://example.com]',
      'https://',
      '://app.example.com',
      'app.example.com',
      '//app.example.com',
      'https:app.example.com',
      'https:/app.example.com',
      '1https://app.example.com',
    ]) {
      expect(parseOrigin(value), value).toBeNull();
    }
  });

  it('M5 refuses CR, LF, NUL, tab and other control characters', () => {
    for (const value of [
      'https://app.example.com\r\nX-Injected: 1',
      'https://app.example.com\n',
      'https://app.example.com\0',
      'https://app.example\0.com',
      'https://app.example.com\t',
      '\thttps://app.example.com',
      'https://app.example.com\u007f',
      'https://app.example.com\u00a0',
    ]) {
      expect(parseOrigin(value), JSON.stringify(value)).toBeNull();
    }
  });

  it('C6 refuses URL-parser smuggling', () => {
    for (const value of [
      'https://app.example.com@evil.net',
      'https://evil.net?.app.example.com',
      'https://evil.net#.app.example.com',
      'https://evil.net\\.app.example.com',
      'https://app.example.com%2eevil.net',
      'https://user:pass@app.example.com',
      'capacitor://localhost/../x',
      'ionic://localhost@evil',
      'https://app.example.com/path',
    ]) {
      expect(parseOrigin(value), value).toBeNull();
    }
  });

  it('C7 refuses the opaque origin and file://', () => {
    expect(parseOrigin('null')).toBeNull();
    expect(parseOrigin('file://')).toBeNull();
    expect(parseOrigin('file:///etc/passwd')).toBeNull();
  });

  it('M7 refuses unicode hosts: browsers send punycode', () => {
    expect(parseOrigin('https://bücher.example')).toBeNull();
    expect(parseOrigin('https://\u0430pp.example.com')).toBeNull(); // Cyrillic а
  });

  it('refuses IPv4 hosts a browser would have printed differently', () => {
    expect(parseOrigin('http://127.0.0.1')).not.toBeNull();
    expect(parseOrigin('http://0.0.0.0')).not.toBeNull();
    for (const value of ['http://127.1', 'http://0x7f.0.0.1', 'http://127.000.0.1', 'http://256.0.0.1', 'http://1.2.3.4.5', 'http://2130706433', 'http://a.0x', 'http://example.123']) {
      expect(parseOrigin(value), value).toBeNull();
    }
  });

  it('refuses IPv6 literals that are not in canonical form', () => {
    for (const value of [
      'http://[::0001]',
      'http://[0:0:0:0:0:0:0:1]',
      'http://[::FFFF]',
      'http://[::ffff:1.2.3.4]',
      'http://[1::2::3]',
      'http://[fe80::1%25eth0]',
      'http://[1:0:0:2:0:0:0:3]',
      'http://[1:2:3:4:5:6:7:8:9]',
      'http://[::1',
      'http://[]',
      'http://[::1]x',
      'http://[::1]:80',
    ]) {
      expect(parseOrigin(value), value).toBeNull();
    }
    expect(parseOrigin('http://[1:0:0:2::3]')).not.toBeNull();
  });

  it('prints IPv6 the WHATWG way', () => {
    expect(canonicalIpv6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIpv6('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(canonicalIpv6('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(canonicalIpv6('1:0:0:2:0:0:3:4')).toBe('1::2:0:0:3:4'); // first of two equal runs
    expect(canonicalIpv6('1:2:3:4:5:6:0:8')).toBe('1:2:3:4:5:6:0:8'); // a single zero is not compressed
    expect(canonicalIpv6('2001:0db8::0001')).toBe('2001:db8::1');
    expect(canonicalIpv6('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(canonicalIpv6('1:2:3:4::5:6:7:8')).toBeNull();
  });

  it(`refuses anything longer than ${MAX_ORIGIN_LENGTH} characters without reading it`, () => {
    const long = `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.example.com`;
    expect(parseOrigin(long)).toBeNull();
    const atLimit = `https://${'a'.repeat(MAX_ORIGIN_LENGTH - 'https://.com'.length)}.com`;
    expect(atLimit.length).toBe(MAX_ORIGIN_LENGTH);
    expect(parseOrigin(atLimit)).not.toBeNull();
  });

  it('never throws on arbitrary strings, and whatever it accepts re-serialises to exactly the input', () => {
    const check = (value: string) => {
      const parsed = parseOrigin(value);
      if (parsed !== null) {
        expect(parsed.serialized).toBe(value);
        expect(reserialize(value)).toBe(value);
      }
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), check), { numRuns: 2000 });
    // Strings built from the origin alphabet reach deeper than random text.
    const alphabet = fc.constantFrom(...'htps:/[]0123456789abcdefx.-@?#%\\ '.split(''));
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 40 }), check), { numRuns: 5000 });
    fc.assert(
      fc.property(fc.constantFrom('https://', 'http://', 'capacitor://'), fc.string({ unit: alphabet, maxLength: 30 }), (a, b) => {
        check(a + b);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts every well-formed origin that fast-check can build', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const origin = fc
      .record({
        scheme: fc.constantFrom('https', 'http', 'capacitor', 'ionic', 'app+x'),
        labels: fc.array(label, { minLength: 1, maxLength: 4 }),
        port: fc.option(fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 80 && p !== 443)),
      })
      .map(({ scheme, labels, port }) => `${scheme}://${labels.join('.')}${port === null ? '' : `:${port}`}`);
    fc.assert(
      fc.property(origin, (value) => {
        expect(reserialize(value)).toBe(value);
      }),
    );
  });
});

describe('normalizeConfiguredOrigin', () => {
  it('lower-cases, drops default ports and one trailing slash, converts IDN to punycode', () => {
    expect(normalizeConfiguredOrigin('https://app.example.com')).toBe('https://app.example.com');
    expect(normalizeConfiguredOrigin('HTTPS://APP.Example.COM')).toBe('https://app.example.com');
    expect(normalizeConfiguredOrigin('https://app.example.com:443')).toBe('https://app.example.com');
    expect(normalizeConfiguredOrigin('http://app.example.com:80/')).toBe('http://app.example.com');
    expect(normalizeConfiguredOrigin('https://app.example.com:8443')).toBe('https://app.example.com:8443');
    expect(normalizeConfiguredOrigin('http://localhost:05173')).toBe('http://localhost:5173');
    expect(normalizeConfiguredOrigin('  https://app.example.com/  ')).toBe('https://app.example.com');
    expect(normalizeConfiguredOrigin('CAPACITOR://LOCALHOST')).toBe('capacitor://localhost');
    expect(normalizeConfiguredOrigin('https://bücher.example')).toBe('https://xn--bcher-kva.example');
    expect(normalizeConfiguredOrigin('http://[0:0:0:0:0:0:0:1]:8080')).toBe('http://[::1]:8080');
    expect(normalizeConfiguredOrigin('http://127.1')).toBe('http://127.0.0.1');
  });

  it('refuses what is not an origin, naming the entry and the fix', () => {
    const cases: Array<[string, RegExp]> = [
      ['https://app.example.com/app', /origins: 'https:\/\/app.example.com\/app' has a path.*e\.g\. 'https:\/\/app.example.com'/],
      ['https://app.example.com//', /has a path/],
      ['https://app.example.com?x', /has a path, query or fragment/],
      ['https://app.example.com#x', /has a path, query or fragment/],
      ['https://user@app.example.com', /user information/],
      ['app.example.com', /origins: 'app.example.com' has no scheme/],
      ['', /is empty/],
      ['https://app.example.com.', /trailing dot/],
      ['https://app example.com', /whitespace/],
      ['https://app.example.com:0', /invalid port/],
      ['https://app.example.com:65536', /invalid port/],
      ['https://app.example.com:http', /invalid port/],
      ['https://', /invalid host/],
      ['https://a%2eb.com', /percent-escape/],
      ['http://[::ffff:1.2.3.4]', /IPv6/],
      ['https://my_app.example.com', /not an origin a browser can send/],
      ['1x://host', /not an origin a browser can send/],
    ];
    for (const [entry, message] of cases) {
      expect(() => normalizeConfiguredOrigin(entry), entry).toThrow(CorsConfigError);
      expect(() => normalizeConfiguredOrigin(entry), entry).toThrow(message);
    }
  });

  it('returns only what parseOrigin accepts', () => {
    const entry = fc.tuple(
      fc.constantFrom('https://', 'HTTP://', 'capacitor://', ''),
      fc.string({ unit: fc.constantFrom(...'aB1.-:/[]ü%@ '.split('')), maxLength: 20 }),
    );
    fc.assert(
      fc.property(entry, ([scheme, rest]) => {
        let normalized: string;
        try {
          normalized = normalizeConfiguredOrigin(scheme + rest);
        } catch (error) {
          expect(error).toBeInstanceOf(CorsConfigError);
          return;
        }
        expect(parseOrigin(normalized)?.serialized).toBe(normalized);
        expect(normalizeConfiguredOrigin(normalized)).toBe(normalized); // idempotent
      }),
      { numRuns: 3000 },
    );
  });
});
