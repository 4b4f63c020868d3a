import * as crypto from 'node:crypto';
import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Source of randomness; injectable so tests can be deterministic. */
export type RandomSource = (byteLength: number) => Uint8Array;

export const defaultRandom: RandomSource = (byteLength) => randomBytes(byteLength);

/** 256 random bits as base64url (43 characters): session tokens and pre-session secrets. */
export function randomToken(random: RandomSource): string {
  return Buffer.from(random(32)).toString('base64url');
}

/** Hex SHA-256: the form in which stores keep secrets. */
// `crypto.hash` (Node 20.12+) hashes in one call without a Hash object; older runtimes take the long way.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export const sha256Hex: (value: string) => string = oneShotHash
  ? (value) => oneShotHash('sha256', value, 'hex')
  : (value) => createHash('sha256').update(value).digest('hex');

/** An HMAC key imported once, so each MAC skips re-importing the raw bytes. */
export function hmacKey(key: Uint8Array): KeyObject {
  return createSecretKey(key);
}

export function hmacSha256(key: Uint8Array | KeyObject, message: string): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

/** Constant-time equality that returns `false` (instead of throwing) for unequal lengths. */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/;

/** Whether a value has the shape of a 256-bit base64url token; checked before any hashing or lookup. */
export function isTokenShaped(value: string | undefined): value is string {
  return value !== undefined && value.length === 43 && BASE64URL_43.test(value);
}
