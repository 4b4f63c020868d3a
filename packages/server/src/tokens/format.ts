import { crc32 } from 'node:zlib';
import { TOKEN_PREFIXES, type TokenPrefixKind } from '@crossauth/protocol';
import { randomToken, type RandomSource } from '../crypto/index.js';

/**
 * Bearer token strings: `cxa_pat_` (personal), `cxa_dat_` (device access) or `cxa_drt_` (device
 * refresh), then 256 random bits in base64url, then a CRC-32 of everything before it in 6 base62
 * characters. The prefix makes a leaked token easy to spot; the checksum lets the server refuse a
 * mistyped or forged value before any store lookup (the idea GitHub's token format made common).
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const PREFIX_LENGTH = 8;
export const TOKEN_LENGTH = PREFIX_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateToken(kind: TokenPrefixKind, random: RandomSource): string {
  const body = TOKEN_PREFIXES[kind] + randomToken(random);
  return body + checksum(body);
}

const KIND_BY_PREFIX = new Map<string, TokenPrefixKind>(
  (Object.keys(TOKEN_PREFIXES) as TokenPrefixKind[]).map((kind) => [TOKEN_PREFIXES[kind], kind]),
);

/** The kind of a well-formed token whose checksum holds, else `null`. Never throws. */
export function parseToken(value: string): TokenPrefixKind | null {
  if (value.length !== TOKEN_LENGTH) return null;
  const kind = KIND_BY_PREFIX.get(value.slice(0, PREFIX_LENGTH));
  if (kind === undefined) return null;
  const secret = value.slice(PREFIX_LENGTH, PREFIX_LENGTH + SECRET_LENGTH);
  if (!SECRET.test(secret)) return null;
  return checksum(value.slice(0, PREFIX_LENGTH + SECRET_LENGTH)) === value.slice(PREFIX_LENGTH + SECRET_LENGTH) ? kind : null;
}
