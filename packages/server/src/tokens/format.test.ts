import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRandom } from '../crypto/index.js';
import { generateToken, parseToken, TOKEN_LENGTH } from './format.js';

describe('bearer token format', () => {
  it('T8 carries 256 random bits behind a recognisable prefix, with a checksum', () => {
    const token = generateToken('personal', defaultRandom);
    expect(token).toMatch(/^cxa_pat_[A-Za-z0-9_-]{43}[0-9A-Za-z]{6}$/);
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(parseToken(token)).toBe('personal');
    expect(parseToken(generateToken('device', defaultRandom))).toBe('device');
    expect(parseToken(generateToken('refresh', defaultRandom))).toBe('refresh');
  });

  it('S11 never repeats a token in 1000 draws', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken('device', defaultRandom)));
    expect(tokens.size).toBe(1000);
  });

  it('T8 refuses a token with one character changed, before any lookup', () => {
    const token = generateToken('personal', defaultRandom);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'abcXYZ019_-'), (index, replacement) => {
        fc.pre(token[index] !== replacement);
        expect(parseToken(token.slice(0, index) + replacement + token.slice(index + 1))).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('T2 never throws and never accepts arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (value) => {
        expect(parseToken(value)).toBeNull();
      }),
    );
  });
});
