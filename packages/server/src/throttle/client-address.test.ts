import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normalizeClientAddress } from './client-address.js';

describe('L5 textual variants of one client share one throttle key', () => {
  test('IPv4 stays as it is', () => {
    expect(normalizeClientAddress('1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeClientAddress('203.0.113.255')).toBe('203.0.113.255');
  });

  test('IPv4-mapped IPv6 in any case and spelling becomes the IPv4 address', () => {
    for (const variant of [
      '::ffff:1.2.3.4',
      '::FFFF:1.2.3.4',
      '0:0:0:0:0:ffff:1.2.3.4',
      '0000:0000:0000:0000:0000:FFFF:1.2.3.4',
      '::ffff:0102:0304',
      '::ffff:102:304',
      '[::ffff:1.2.3.4]',
    ]) {
      expect(normalizeClientAddress(variant), variant).toBe('1.2.3.4');
    }
  });

  test('two addresses in one IPv6 /64 share a key', () => {
    const key = normalizeClientAddress('2001:db8:0:1::1');
    expect(key).toBe('2001:db8:0:1::/64');
    expect(normalizeClientAddress('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe(key);
    expect(normalizeClientAddress('2001:0DB8:0000:0001:dead:beef:1.2.3.4')).toBe(key);
  });

  test('different /64s get different keys', () => {
    expect(normalizeClientAddress('2001:db8:0:1::1')).not.toBe(normalizeClientAddress('2001:db8:0:2::1'));
    expect(normalizeClientAddress('2001:db8::1')).not.toBe(normalizeClientAddress('2001:db9::1'));
  });

  test('brackets, a port after brackets and zone ids are dropped', () => {
    expect(normalizeClientAddress('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(normalizeClientAddress('[2001:db8::1]:8443')).toBe('2001:db8:0:0::/64');
    expect(normalizeClientAddress('2001:db8::1%eth0')).toBe('2001:db8:0:0::/64');
    expect(normalizeClientAddress('fe80::1%25eth0')).toBe('fe80:0:0:0::/64');
  });

  test('special IPv6 forms expand correctly', () => {
    expect(normalizeClientAddress('::')).toBe('0:0:0:0::/64');
    expect(normalizeClientAddress('::1')).toBe('0:0:0:0::/64');
    expect(normalizeClientAddress('1::')).toBe('1:0:0:0::/64');
    expect(normalizeClientAddress('1:2:3:4:5:6:7:8')).toBe('1:2:3:4::/64');
    expect(normalizeClientAddress('1:2:3:4:5:6:1.2.3.4')).toBe('1:2:3:4::/64');
    expect(normalizeClientAddress('1::2:3:4:5:6:7')).toBe('1:0:2:3::/64');
  });

  test('anything unparsable becomes a bounded unknown: key', () => {
    expect(normalizeClientAddress('Garbage')).toBe('unknown:garbage');
    expect(normalizeClientAddress('')).toBe('unknown:');
    expect(normalizeClientAddress('01.2.3.4')).toBe('unknown:01.2.3.4');
    expect(normalizeClientAddress('1.2.3.4:80')).toBe('unknown:1.2.3.4:80');
    expect(normalizeClientAddress('X'.repeat(500))).toBe(`unknown:${'x'.repeat(64)}`);
  });

  test('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(typeof normalizeClientAddress(value)).toBe('string');
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), fc.ipV4()), (value) => {
        expect(normalizeClientAddress(value)).not.toMatch(/^unknown:/);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        normalizeClientAddress(value as string);
      }),
    );
  });

  test('for any IPv4 a.b.c.d, every mapped spelling normalises to it', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (ipv4, upper) => {
        const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
        const hex = (high: number, low: number) => ((high << 8) | low).toString(16).padStart(4, '0');
        const ffff = upper ? 'FFFF' : 'ffff';
        for (const mapped of [
          `::${ffff}:${ipv4}`,
          `0:0:0:0:0:${ffff}:${ipv4}`,
          `::${ffff}:${hex(a, b)}:${hex(c, d)}`,
          `[::${ffff}:${ipv4}]`,
        ]) {
          expect(normalizeClientAddress(mapped)).toBe(ipv4);
        }
      }),
    );
  });
});
