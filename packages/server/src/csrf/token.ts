import { hmacKey, hmacSha256, safeEqual, type RandomSource } from '../crypto/index.js';

/**
 * CSRF tokens bound to a session or a pre-session secret (the "signed double submit" of OWASP's
 * cheat sheet, without a store): the unmasked token is HMAC(key, binding). Each answer masks it with a
 * fresh random pad (BREACH: the bytes on the wire differ every time, the secret does not), so a token
 * is `base64url(pad ‖ (hmac XOR pad))`, 64 bytes, 86 characters.
 */

const TOKEN_BYTES = 32;
const MASKED_LENGTH = 86;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a CSRF token is bound to: the session (by id hash) or the pre-session secret. */
export type CsrfBinding = { kind: 'session'; idHash: string } | { kind: 'pre'; secret: string };

export type CsrfCheck = 'ok' | 'csrf_missing' | 'csrf_invalid';

export interface CsrfTokens {
  /** A freshly masked token for this binding. */
  issue(binding: CsrfBinding): string;
  /** Verifies a token from a request header against the request's binding; constant time. */
  verify(token: string | undefined, binding: CsrfBinding | null): CsrfCheck;
}

/** How many bindings' unmasked tokens are remembered; past it the memo starts over. */
const MEMO_LIMIT = 10_000;

export function createCsrfTokens(rawKey: Uint8Array, random: RandomSource): CsrfTokens {
  const key = hmacKey(rawKey);
  // The unmasked token of a binding never changes, and an HMAC costs microseconds: remember recent ones,
  // so a session's every unsafe request does not recompute it. Bounded; cleared wholesale when full.
  const memo = new Map<string, Buffer>();
  const expected = (binding: CsrfBinding): Buffer => {
    const message = binding.kind === 'session' ? `session:${binding.idHash}` : `pre:${binding.secret}`;
    let secret = memo.get(message);
    if (secret === undefined) {
      secret = hmacSha256(key, message);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(message, secret);
    }
    return secret;
  };

  return {
    issue(binding) {
      const secret = expected(binding);
      const pad = random(TOKEN_BYTES);
      const out = Buffer.allocUnsafe(TOKEN_BYTES * 2);
      for (let i = 0; i < TOKEN_BYTES; i++) {
        out[i] = pad[i]!;
        out[TOKEN_BYTES + i] = secret[i]! ^ pad[i]!;
      }
      return out.toString('base64url');
    },
    verify(token, binding) {
      if (token === undefined || token === '') return 'csrf_missing';
      if (binding === null || token.length !== MASKED_LENGTH || !BASE64URL.test(token)) return 'csrf_invalid';
      const raw = Buffer.from(token, 'base64url');
      if (raw.length !== TOKEN_BYTES * 2) return 'csrf_invalid';
      const unmasked = Buffer.allocUnsafe(TOKEN_BYTES);
      for (let i = 0; i < TOKEN_BYTES; i++) unmasked[i] = raw[i]! ^ raw[TOKEN_BYTES + i]!;
      return safeEqual(unmasked, expected(binding)) ? 'ok' : 'csrf_invalid';
    },
  };
}
