import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultRandom } from '../crypto/index.js';
import { createCsrfTokens, type CsrfBinding } from './token.js';

const tokens = createCsrfTokens(randomBytes(32), defaultRandom);
const session: CsrfBinding = { kind: 'session', idHash: 'a'.repeat(64) };
const pre: CsrfBinding = { kind: 'pre', secret: 'b'.repeat(43) };

describe('CSRF tokens', () => {
  it('X6 masks every token differently, and every mask verifies', () => {
    const issued = Array.from({ length: 50 }, () => tokens.issue(session));
    expect(new Set(issued).size).toBe(50);
    for (const token of issued) expect(tokens.verify(token, session)).toBe('ok');
  });

  it('X3 a token verifies only against the binding it was issued for', () => {
    expect(tokens.verify(tokens.issue(session), { kind: 'session', idHash: 'c'.repeat(64) })).toBe('csrf_invalid');
    expect(tokens.verify(tokens.issue(pre), session)).toBe('csrf_invalid');
    expect(tokens.verify(tokens.issue(session), pre)).toBe('csrf_invalid');
  });

  it('a token from another key (another deployment) does not verify', () => {
    const other = createCsrfTokens(randomBytes(32), defaultRandom);
    expect(tokens.verify(other.issue(session), session)).toBe('csrf_invalid');
  });

  it('X2 an absent or empty token is missing; a malformed one is invalid', () => {
    expect(tokens.verify(undefined, session)).toBe('csrf_missing');
    expect(tokens.verify('', session)).toBe('csrf_missing');
    for (const bad of ['a'.repeat(16), '*'.repeat(86), 'a'.repeat(86), 'x'.repeat(100_000), 'é'.repeat(86)]) {
      expect(tokens.verify(bad, session)).toBe('csrf_invalid');
    }
  });

  it('a request with nothing to bind to never verifies', () => {
    expect(tokens.verify(tokens.issue(session), null)).toBe('csrf_invalid');
  });

  it('flipping any single character of a token makes it invalid', () => {
    const token = tokens.issue(session);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const altered = token.slice(0, index) + replacement + token.slice(index + 1);
        // The last character carries only 2 significant bits of 6; a change in its padding bits decodes to the same bytes.
        const sameBytes = Buffer.from(altered, 'base64url').equals(Buffer.from(token, 'base64url'));
        expect(tokens.verify(altered, session)).toBe(sameBytes ? 'ok' : 'csrf_invalid');
      }),
    );
  });

  it('verify never throws and never accepts arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        expect(['csrf_missing', 'csrf_invalid']).toContain(tokens.verify(value, session));
      }),
    );
  });
});
