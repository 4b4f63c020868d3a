import { randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm, Options as Argon2Options } from '@node-rs/argon2';
import { createSemaphore } from './semaphore.js';

/**
 * argon2id password hashing (DESIGN.md "Passwords"; security-catalogue L2, L7, L10).
 *
 * `@node-rs/argon2` runs each hash on libuv's thread pool through its async API, so the event loop stays
 * free; a FIFO semaphore bounds how many run at once. Hashes are PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) with a fresh 16-byte salt each.
 */

export interface PasswordHashingOptions {
  /** argon2 memory cost in KiB (`m`). Default 19456 (19 MiB, OWASP's first argon2id row). */
  memoryCostKiB?: number;
  /** argon2 passes over memory (`t`). Default 2 (OWASP). */
  timeCost?: number;
  /** argon2 lanes (`p`). Default 1 (OWASP). */
  parallelism?: number;
  /**
   * Hashes and verifications allowed to run at once; further calls wait in FIFO order. Default 2, so a
   * burst of logins never holds every libuv thread (4 by default) and never starves other requests.
   */
  maxConcurrent?: number;
}

export interface PasswordVerification {
  valid: boolean;
  /**
   * The stored hash was not made with the current algorithm and parameters. The login route acts on it
   * only when `valid` is true: it then rehashes the password it just checked and stores the new hash (L10).
   */
  needsRehash: boolean;
}

export interface PasswordHasherStats {
  /** Calls to `hash`. */
  hashes: number;
  /** Verifications against a stored, well-formed hash. */
  verifies: number;
  /** Verifications against the dummy hash: unknown user (`null`) or a malformed stored hash (L2). */
  dummyVerifies: number;
  /** Highest number of argon2 operations seen running at once. */
  peakActive: number;
}

export interface PasswordHasher {
  /** The effective options, defaults filled in. */
  readonly options: Readonly<Required<PasswordHashingOptions>>;
  /** Hashes an already normalised password (see `normalizePassword`) into a PHC string. */
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored PHC string. `null` (no such user) and a malformed string cost
   * one argon2 verification all the same and answer `valid: false`, so response time does not tell
   * whether an account exists (L2). Never throws for bad stored data.
   */
  verify(passwordHash: string | null, password: string): Promise<PasswordVerification>;
  /** argon2 operations running now. */
  readonly active: number;
  /** argon2 operations waiting for a slot. */
  readonly queued: number;
  /** Counters for tests and metrics; a copy. */
  stats(): PasswordHasherStats;
}

/** `Algorithm.Argon2id`. The package declares `Algorithm` as an ambient `const enum`, which
 * `isolatedModules` forbids reading, and its runtime object is empty: the value is the number. */
const ARGON2ID = 2 as Algorithm;
/** Version 0x13, written `v=19` in PHC strings; the package's default. */
const ARGON2_VERSION = 19;

export const DEFAULT_PASSWORD_HASHING: Readonly<Required<PasswordHashingOptions>> = Object.freeze({
  memoryCostKiB: 19456,
  timeCost: 2,
  parallelism: 1,
  maxConcurrent: 2,
});

export function createPasswordHasher(options: PasswordHashingOptions = {}): PasswordHasher {
  const resolved = Object.freeze(resolveOptions(options));
  const argon2Options: Argon2Options = {
    algorithm: ARGON2ID,
    memoryCost: resolved.memoryCostKiB,
    timeCost: resolved.timeCost,
    parallelism: resolved.parallelism,
  };
  const semaphore = createSemaphore(resolved.maxConcurrent);
  const counters: PasswordHasherStats = { hashes: 0, verifies: 0, dummyVerifies: 0, peakActive: 0 };

  const limited = <T>(task: () => Promise<T>): Promise<T> =>
    semaphore.run(() => {
      counters.peakActive = Math.max(counters.peakActive, semaphore.active);
      return task();
    });

  // The dummy hash is made once, with the same parameters as real ones, on first need. It hashes a
  // random secret nobody knows; its result is ignored anyway. A failure is not memoised.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = (): Promise<string> => {
    dummyHash ??= limited(() => argon2Hash(randomBytes(32).toString('base64url'), argon2Options)).catch(
      (error: unknown) => {
        dummyHash = undefined;
        throw error;
      },
    );
    return dummyHash;
  };

  const dummyVerify = async (password: string): Promise<PasswordVerification> => {
    counters.dummyVerifies += 1;
    // Fetch the dummy before taking a slot: making it needs a slot of its own.
    const dummy = await getDummyHash();
    await limited(() => argon2Verify(dummy, password)).catch(() => false);
    return { valid: false, needsRehash: false };
  };

  return {
    options: resolved,
    hash(password) {
      counters.hashes += 1;
      return limited(() => argon2Hash(password, argon2Options));
    },
    async verify(passwordHash, password) {
      const parameters = passwordHash === null ? null : parsePhcParameters(passwordHash);
      if (passwordHash === null || parameters === null) return dummyVerify(password);
      counters.verifies += 1;
      // argon2 rejects what it cannot decode (bad base64, absurd parameters) by throwing: a "no".
      const valid = await limited(() => argon2Verify(passwordHash, password)).catch(() => false);
      return { valid, needsRehash: !matchesCurrent(parameters, resolved) };
    },
    get active() {
      return semaphore.active;
    },
    get queued() {
      return semaphore.queued;
    },
    stats() {
      return { ...counters };
    },
  };
}

interface PhcParameters {
  algorithm: string;
  version: number;
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

const PHC_PARAMETERS = /^m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})$/;
const PHC_VERSION = /^v=(\d{1,3})$/;
const B64 = /^[A-Za-z0-9+/]+$/;

/**
 * Reads algorithm, version and m/t/p from `$alg$v=19$m=…,t=…,p=…$salt$hash`; `null` if the string is
 * not in that shape. The `v=` segment is optional: argon2 1.0 (0x10) hashes omit it.
 */
function parsePhcParameters(phc: string): PhcParameters | null {
  if (phc.length > 512) return null;
  const parts = phc.split('$');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [empty, algorithm, ...rest] = parts;
  if (empty !== '' || algorithm === undefined || !/^argon2(?:id|i|d)$/.test(algorithm)) return null;
  let version = 0x10;
  if (rest.length === 4) {
    const match = PHC_VERSION.exec(rest.shift() ?? '');
    if (match === null) return null;
    version = Number(match[1]);
  }
  const [parameters, salt, digest] = rest;
  const match = PHC_PARAMETERS.exec(parameters ?? '');
  if (match === null || !B64.test(salt ?? '') || !B64.test(digest ?? '')) return null;
  return {
    algorithm,
    version,
    memoryCostKiB: Number(match[1]),
    timeCost: Number(match[2]),
    parallelism: Number(match[3]),
  };
}

/** Any difference counts, lower or higher: the configured parameters are the policy (L10). */
function matchesCurrent(stored: PhcParameters, current: Required<PasswordHashingOptions>): boolean {
  return (
    stored.algorithm === 'argon2id' &&
    stored.version === ARGON2_VERSION &&
    stored.memoryCostKiB === current.memoryCostKiB &&
    stored.timeCost === current.timeCost &&
    stored.parallelism === current.parallelism
  );
}

/** A bad value is a configuration mistake: throw at startup, naming the option. */
function resolveOptions(options: PasswordHashingOptions): Required<PasswordHashingOptions> {
  const resolved = { ...DEFAULT_PASSWORD_HASHING };
  const set = (name: keyof PasswordHashingOptions, min: number, max: number): void => {
    const value = options[name];
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`passwords.${name} must be an integer from ${min} to ${max}; got ${String(value)}.`);
    }
    resolved[name] = value;
  };
  set('parallelism', 1, 255);
  set('timeCost', 1, 2 ** 32 - 1);
  set('maxConcurrent', 1, 1024);
  // argon2 needs at least 8 KiB per lane.
  set('memoryCostKiB', 8 * resolved.parallelism, 2 ** 32 - 1);
  return resolved;
}
