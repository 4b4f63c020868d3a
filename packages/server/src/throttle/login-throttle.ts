import type { CounterState, Store } from '../store/types.js';
import { normalizeClientAddress } from './client-address.js';

/**
 * Login and signup throttling (DESIGN.md "Throttling"; security-catalogue L4, L5).
 *
 * - Failed logins count per (account, client address): `pairMaxFailures` in `pairWindowSeconds` lock
 *   that pair until the window ends, even for the right password, so guessing stays slow.
 * - Failed logins also count per client address across all accounts: `addressMaxFailures` in
 *   `addressWindowSeconds` lock the address, against one client spraying many accounts.
 * - There is deliberately no per-account counter: anyone could then lock a user out from anywhere.
 * - Unknown emails count exactly like known ones, so the throttle does not reveal which accounts exist.
 * - A successful login resets its own pair only; the address counter keeps running.
 *
 * Windows are fixed (they start at the first failure), and counters live in the store, so limits
 * hold across instances. Every method takes `now` (ms since the epoch) so tests never sleep.
 */

/** The only store methods the throttle needs. */
export type ThrottleStore = Pick<Store, 'incrementCounter' | 'getCounter' | 'deleteCounter'>;

export interface LoginThrottleOptions {
  /** Failed logins per (account, client address) before that pair is locked. Default 5. */
  pairMaxFailures?: number;
  /** Window of the pair counter, in seconds. Default 900 (15 minutes). */
  pairWindowSeconds?: number;
  /** Failed logins per client address, across all accounts, before the address is locked. Default 50. */
  addressMaxFailures?: number;
  /** Window of the address counter, in seconds. Default 900 (15 minutes). */
  addressWindowSeconds?: number;
  /** Signup attempts allowed per client address in a window. Default 10. */
  signupMaxAttempts?: number;
  /** Window of the signup counter, in seconds. Default 3600 (1 hour). */
  signupWindowSeconds?: number;
  /** Prefix of every counter key, so a shared Redis can hold other data. Default `'crossauth:throttle:'`. */
  prefix?: string;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  readonly options: Readonly<Required<LoginThrottleOptions>>;
  /**
   * Whether a login for `email` (already normalised) from `address` (raw; normalised here) would be
   * refused now. Read-only: for diagnostics and tests. Login routes call `beginLogin`.
   */
  checkLogin(email: string, address: string, now: number): Promise<ThrottleDecision>;
  /**
   * Starts a login attempt: refuses when the address is locked, else counts the attempt against the
   * (account, address) pair atomically *before* the password is checked, so a burst of parallel
   * guesses cannot all slip past the limit while their hashes are still queued. Answer 429 with
   * `Retry-After` when refused; otherwise follow with `recordLoginFailure` or `recordLoginSuccess`.
   */
  beginLogin(email: string, address: string, now: number): Promise<ThrottleDecision>;
  /** After `beginLogin`: the attempt failed (wrong password or unknown email); counts it against the address. */
  recordLoginFailure(email: string, address: string, now: number): Promise<void>;
  /** After `beginLogin`: the attempt succeeded; clears the pair's count (the address count stays). */
  recordLoginSuccess(email: string, address: string): Promise<void>;
  /** Counts this signup attempt from `address` and says whether it may go on. */
  checkSignup(address: string, now: number): Promise<ThrottleDecision>;
}

export const DEFAULT_LOGIN_THROTTLE: Readonly<Required<LoginThrottleOptions>> = Object.freeze({
  pairMaxFailures: 5,
  pairWindowSeconds: 900,
  addressMaxFailures: 50,
  addressWindowSeconds: 900,
  signupMaxAttempts: 10,
  signupWindowSeconds: 3600,
  prefix: 'crossauth:throttle:',
});

export function createLoginThrottle(store: ThrottleStore, options: LoginThrottleOptions = {}): LoginThrottle {
  const resolved = Object.freeze(resolveOptions(options));
  const pairWindowMs = resolved.pairWindowSeconds * 1000;
  const addressWindowMs = resolved.addressWindowSeconds * 1000;
  const signupWindowMs = resolved.signupWindowSeconds * 1000;

  // Keys are JSON arrays: the kind, then each part as a JSON string. A `"` or `,` inside a part is
  // escaped, so ("a|b", "c") and ("a", "b|c") can never meet in one key, whatever the parts contain.
  const key = (...parts: string[]): string => resolved.prefix + JSON.stringify(parts);
  const pairKey = (email: string, address: string) => key('login-pair', email, normalizeClientAddress(address));
  const addressKey = (address: string) => key('login-address', normalizeClientAddress(address));
  const signupKey = (address: string) => key('signup-address', normalizeClientAddress(address));

  return {
    options: resolved,
    async checkLogin(email, address, now) {
      const [pair, perAddress] = await Promise.all([
        store.getCounter(pairKey(email, address), now),
        store.getCounter(addressKey(address), now),
      ]);
      // When both are locked, the caller must wait for the later of the two.
      const locked = [
        pair !== null && pair.count >= resolved.pairMaxFailures ? pair : null,
        perAddress !== null && perAddress.count >= resolved.addressMaxFailures ? perAddress : null,
      ].filter((counter): counter is CounterState => counter !== null);
      if (locked.length === 0) return { allowed: true };
      return refuse(Math.max(...locked.map((counter) => counter.resetAt)), now);
    },
    async beginLogin(email, address, now) {
      const perAddress = await store.getCounter(addressKey(address), now);
      if (perAddress !== null && perAddress.count >= resolved.addressMaxFailures) return refuse(perAddress.resetAt, now);
      const pair = await store.incrementCounter(pairKey(email, address), pairWindowMs, now);
      return pair.count > resolved.pairMaxFailures ? refuse(pair.resetAt, now) : { allowed: true };
    },
    async recordLoginFailure(_email, address, now) {
      await store.incrementCounter(addressKey(address), addressWindowMs, now);
    },
    async recordLoginSuccess(email, address) {
      await store.deleteCounter(pairKey(email, address));
    },
    async checkSignup(address, now) {
      const counter = await store.incrementCounter(signupKey(address), signupWindowMs, now);
      return counter.count > resolved.signupMaxAttempts ? refuse(counter.resetAt, now) : { allowed: true };
    },
  };
}

/** `Retry-After` in whole seconds, rounded up and never 0, so a client that obeys it is let in. */
function refuse(resetAt: number, now: number): ThrottleDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)) };
}

/** A bad value is a configuration mistake: throw at startup, naming the option. */
function resolveOptions(options: LoginThrottleOptions): Required<LoginThrottleOptions> {
  const resolved = { ...DEFAULT_LOGIN_THROTTLE };
  const counts = [
    'pairMaxFailures',
    'pairWindowSeconds',
    'addressMaxFailures',
    'addressWindowSeconds',
    'signupMaxAttempts',
    'signupWindowSeconds',
  ] as const;
  for (const name of counts) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`throttle.${name} must be a positive integer; got ${String(value)}.`);
    }
    resolved[name] = value;
  }
  if (options.prefix !== undefined) {
    if (typeof options.prefix !== 'string') {
      throw new TypeError(`throttle.prefix must be a string; got ${typeof options.prefix}.`);
    }
    resolved.prefix = options.prefix;
  }
  return resolved;
}
