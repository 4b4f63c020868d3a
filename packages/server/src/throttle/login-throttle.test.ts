import { describe, expect, test } from 'vitest';
import { memoryStore } from '../stores/memory/index.js';
import { createLoginThrottle } from './login-throttle.js';
import type { LoginThrottle, LoginThrottleOptions, ThrottleStore } from './login-throttle.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const VICTIM = 'victim@example.com';
const ATTACKER_IP = '203.0.113.7';
const OTHER_IP = '198.51.100.9';

const setup = (options?: LoginThrottleOptions): { throttle: LoginThrottle; store: ThrottleStore } => {
  const store = memoryStore();
  return { throttle: createLoginThrottle(store, options), store };
};

/** One failed login as the login route performs it: begin (counts the pair), then record the failure. */
const failOnce = async (throttle: LoginThrottle, email: string, address: string, now: number) => {
  await throttle.beginLogin(email, address, now);
  await throttle.recordLoginFailure(email, address, now);
};

const fail = async (throttle: LoginThrottle, email: string, address: string, times: number, now = T0) => {
  for (let i = 0; i < times; i += 1) await failOnce(throttle, email, address, now);
};

describe('L4 login throttling per (account, client address) and per client address', () => {
  test('5 failures lock the pair for the rest of the window, with Retry-After', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 4; i += 1) {
      await failOnce(throttle, VICTIM, ATTACKER_IP, T0 + i * MINUTE);
      expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0 + i * MINUTE)).toEqual({ allowed: true });
    }
    await failOnce(throttle, VICTIM, ATTACKER_IP, T0 + 4 * MINUTE);
    // The window started at the first failure (T0) and lasts 15 minutes.
    expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0 + 5 * MINUTE)).toEqual({
      allowed: false,
      retryAfterSeconds: 10 * 60,
    });
    expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0 + 15 * MINUTE - 1)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
  });

  test('the window ending unlocks the pair, without anyone sleeping', async () => {
    const { throttle } = setup();
    await fail(throttle, VICTIM, ATTACKER_IP, 5);
    expect((await throttle.checkLogin(VICTIM, ATTACKER_IP, T0 + 15 * MINUTE - 1)).allowed).toBe(false);
    expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0 + 15 * MINUTE)).toEqual({ allowed: true });
    // A failure after the window starts a fresh count.
    await failOnce(throttle, VICTIM, ATTACKER_IP, T0 + 16 * MINUTE);
    expect((await throttle.checkLogin(VICTIM, ATTACKER_IP, T0 + 16 * MINUTE)).allowed).toBe(true);
  });

  test('the same account from another address is not locked (no per-account lockout)', async () => {
    const { throttle } = setup();
    await fail(throttle, VICTIM, ATTACKER_IP, 20);
    expect((await throttle.checkLogin(VICTIM, ATTACKER_IP, T0)).allowed).toBe(false);
    expect(await throttle.checkLogin(VICTIM, OTHER_IP, T0)).toEqual({ allowed: true });
  });

  test('another account from the same address is not locked by the pair limit', async () => {
    const { throttle } = setup();
    await fail(throttle, VICTIM, ATTACKER_IP, 5);
    expect(await throttle.checkLogin('someone@example.com', ATTACKER_IP, T0)).toEqual({ allowed: true });
  });

  test('50 failures across many accounts from one address lock that address for every account', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 49; i += 1) await failOnce(throttle, `user${i}@example.com`, ATTACKER_IP, T0);
    expect(await throttle.checkLogin('fresh@example.com', ATTACKER_IP, T0)).toEqual({ allowed: true });
    await failOnce(throttle, 'user49@example.com', ATTACKER_IP, T0 + MINUTE);
    expect(await throttle.checkLogin('fresh@example.com', ATTACKER_IP, T0 + MINUTE)).toEqual({
      allowed: false,
      retryAfterSeconds: 14 * 60,
    });
    // Other addresses are unaffected.
    expect(await throttle.checkLogin('fresh@example.com', OTHER_IP, T0 + MINUTE)).toEqual({ allowed: true });
    expect(await throttle.checkLogin('fresh@example.com', ATTACKER_IP, T0 + 15 * MINUTE)).toEqual({ allowed: true });
  });

  test('unknown emails count exactly like known ones', async () => {
    const { throttle } = setup();
    // The throttle never looks the account up: any normalised email is just a key.
    await fail(throttle, 'nobody-has-this@example.com', ATTACKER_IP, 5);
    expect((await throttle.checkLogin('nobody-has-this@example.com', ATTACKER_IP, T0)).allowed).toBe(false);
  });

  test('a success resets its pair only, not the address counter', async () => {
    const { throttle } = setup({ addressMaxFailures: 6 });
    await fail(throttle, VICTIM, ATTACKER_IP, 4);
    await throttle.recordLoginSuccess(VICTIM, ATTACKER_IP);
    await fail(throttle, VICTIM, ATTACKER_IP, 1);
    // Pair: 1 failure since the success. Address: 5 of 6.
    expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0)).toEqual({ allowed: true });
    await fail(throttle, 'other@example.com', ATTACKER_IP, 1);
    expect((await throttle.checkLogin(VICTIM, ATTACKER_IP, T0)).allowed).toBe(false);
  });

  test('a success from one address leaves a lock on another address in place', async () => {
    const { throttle } = setup();
    await fail(throttle, VICTIM, ATTACKER_IP, 5);
    await throttle.recordLoginSuccess(VICTIM, OTHER_IP);
    expect((await throttle.checkLogin(VICTIM, ATTACKER_IP, T0)).allowed).toBe(false);
  });

  test('when pair and address are both locked, Retry-After is the later deadline', async () => {
    const { throttle } = setup({ addressMaxFailures: 5, addressWindowSeconds: 3600 });
    await fail(throttle, VICTIM, ATTACKER_IP, 5);
    expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0)).toEqual({ allowed: false, retryAfterSeconds: 3600 });
  });
});

describe('L5 throttle evasion', () => {
  test('textual variants of one IP share the pair and the address counters', async () => {
    const { throttle } = setup();
    const variants = ['::ffff:1.2.3.4', '::FFFF:1.2.3.4', '0:0:0:0:0:ffff:1.2.3.4', '::ffff:0102:0304', '1.2.3.4'];
    for (const variant of variants) await failOnce(throttle, VICTIM, variant, T0);
    for (const variant of variants) expect((await throttle.checkLogin(VICTIM, variant, T0)).allowed).toBe(false);
  });

  test('rotating through one IPv6 /64 stays throttled; another /64 does not', async () => {
    const { throttle } = setup();
    for (let i = 1; i <= 5; i += 1) await failOnce(throttle, VICTIM, `2001:db8:0:1::${i.toString(16)}`, T0);
    expect((await throttle.checkLogin(VICTIM, '2001:db8:0:1:abcd::99', T0)).allowed).toBe(false);
    expect((await throttle.checkLogin(VICTIM, '[2001:db8:0:1::1]', T0)).allowed).toBe(false);
    expect((await throttle.checkLogin(VICTIM, '2001:db8:0:1::1%eth0', T0)).allowed).toBe(false);
    expect(await throttle.checkLogin(VICTIM, '2001:db8:0:2::1', T0)).toEqual({ allowed: true });
  });

  test('keys cannot be confused by separators inside email or address', async () => {
    const { throttle } = setup({ pairMaxFailures: 1 });
    // With naive "email|address" keys these two pairs would be one counter.
    await failOnce(throttle, 'a|b@x.com', 'c', T0);
    expect(await throttle.checkLogin('a', 'b@x.com|c', T0)).toEqual({ allowed: true });
    await failOnce(throttle, 'a","b@x.com', 'c', T0);
    expect(await throttle.checkLogin('a', 'b@x.com","c', T0)).toEqual({ allowed: true });
  });
});

describe('signup throttling', () => {
  test('10 signups per address per hour, the 11th refused until the window ends', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 10; i += 1) expect(await throttle.checkSignup(ATTACKER_IP, T0 + i)).toEqual({ allowed: true });
    expect(await throttle.checkSignup(ATTACKER_IP, T0 + 30 * MINUTE)).toEqual({
      allowed: false,
      retryAfterSeconds: 30 * 60,
    });
    expect(await throttle.checkSignup(`::ffff:${ATTACKER_IP}`, T0 + 30 * MINUTE)).toMatchObject({ allowed: false });
    expect(await throttle.checkSignup(OTHER_IP, T0 + 30 * MINUTE)).toEqual({ allowed: true });
    expect(await throttle.checkSignup(ATTACKER_IP, T0 + 60 * MINUTE)).toEqual({ allowed: true });
  });

  test('signup and login counters are separate', async () => {
    const { throttle } = setup({ signupMaxAttempts: 1 });
    await throttle.checkSignup(ATTACKER_IP, T0);
    await throttle.checkSignup(ATTACKER_IP, T0);
    expect(await throttle.checkLogin(VICTIM, ATTACKER_IP, T0)).toEqual({ allowed: true });
  });
});

describe('options', () => {
  test('defaults match DESIGN.md', () => {
    expect(setup().throttle.options).toEqual({
      pairMaxFailures: 5,
      pairWindowSeconds: 900,
      addressMaxFailures: 50,
      addressWindowSeconds: 900,
      signupMaxAttempts: 10,
      signupWindowSeconds: 3600,
      prefix: 'crossauth:throttle:',
    });
  });

  test('keys carry the prefix', async () => {
    const store = memoryStore();
    const throttle = createLoginThrottle(store, { prefix: 'app1:' });
    await failOnce(throttle, VICTIM, ATTACKER_IP, T0);
    expect(await store.getCounter(`app1:${JSON.stringify(['login-address', ATTACKER_IP])}`, T0)).toMatchObject({ count: 1 });
  });

  test('refuses impossible options at creation, naming the option', () => {
    const store = memoryStore();
    expect(() => createLoginThrottle(store, { pairMaxFailures: 0 })).toThrow(/throttle\.pairMaxFailures/);
    expect(() => createLoginThrottle(store, { addressWindowSeconds: 1.5 })).toThrow(/throttle\.addressWindowSeconds/);
  });

  test('L4 a burst of parallel attempts on one pair gets no more than the limit past beginLogin', async () => {
    const { throttle } = setup();
    const decisions = await Promise.all(Array.from({ length: 20 }, () => throttle.beginLogin(VICTIM, ATTACKER_IP, T0)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
  });
});
