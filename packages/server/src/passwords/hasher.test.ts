import { hash as argon2Hash } from '@node-rs/argon2';
import type { Algorithm, Version } from '@node-rs/argon2';
import { describe, expect, test } from 'vitest';
import { createPasswordHasher } from './hasher.js';

// Low cost keeps the suite fast; only the defaults test below pays OWASP strength.
const LOW = { memoryCostKiB: 1024, timeCost: 1 } as const;
const PASSWORD = 'correct horse battery staple';

describe('L7 hash parameters', () => {
  test('defaults produce an argon2id PHC string at OWASP parameters (m=19456, t=2, p=1)', async () => {
    const hasher = createPasswordHasher();
    expect(hasher.options).toEqual({ memoryCostKiB: 19456, timeCost: 2, parallelism: 1, maxConcurrent: 2 });
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(stored, PASSWORD)).toEqual({ valid: true, needsRehash: false });
  });

  test('hashing the same password twice gives different hashes (unique salt)', async () => {
    const hasher = createPasswordHasher(LOW);
    const [first, second] = await Promise.all([hasher.hash(PASSWORD), hasher.hash(PASSWORD)]);
    expect(first).not.toBe(second);
    expect((await hasher.verify(first, PASSWORD)).valid).toBe(true);
    expect((await hasher.verify(second, PASSWORD)).valid).toBe(true);
  });

  test('a wrong password does not verify', async () => {
    const hasher = createPasswordHasher(LOW);
    const stored = await hasher.hash(PASSWORD);
    expect(await hasher.verify(stored, `${PASSWORD}!`)).toEqual({ valid: false, needsRehash: false });
  });

  test('L9 a NUL inside the password does not truncate it', async () => {
    const hasher = createPasswordHasher(LOW);
    const stored = await hasher.hash('abc\u0000defgh');
    expect((await hasher.verify(stored, 'abc\u0000defgh')).valid).toBe(true);
    expect((await hasher.verify(stored, 'abc\u0000XXXXX')).valid).toBe(false);
    expect((await hasher.verify(stored, 'abc')).valid).toBe(false);
  });

  test('refuses impossible options at creation, naming the option', () => {
    expect(() => createPasswordHasher({ timeCost: 0 })).toThrow(/passwords\.timeCost/);
    expect(() => createPasswordHasher({ memoryCostKiB: 4 })).toThrow(/passwords\.memoryCostKiB/);
    expect(() => createPasswordHasher({ parallelism: 1.5 })).toThrow(/passwords\.parallelism/);
    expect(() => createPasswordHasher({ maxConcurrent: 0 })).toThrow(/passwords\.maxConcurrent/);
  });
});

describe('L10 work-factor upgrade', () => {
  test('a hash made with lower parameters still verifies and asks for a rehash', async () => {
    const legacy = await createPasswordHasher({ memoryCostKiB: 512, timeCost: 1 }).hash(PASSWORD);
    const current = createPasswordHasher(LOW);
    expect(await current.verify(legacy, PASSWORD)).toEqual({ valid: true, needsRehash: true });

    const rehashed = await current.hash(PASSWORD);
    expect(await current.verify(rehashed, PASSWORD)).toEqual({ valid: true, needsRehash: false });
  });

  test('a change of time cost or parallelism also asks for a rehash', async () => {
    const current = createPasswordHasher(LOW);
    const slower = await createPasswordHasher({ ...LOW, timeCost: 2 }).hash(PASSWORD);
    const wider = await createPasswordHasher({ ...LOW, parallelism: 2 }).hash(PASSWORD);
    expect(await current.verify(slower, PASSWORD)).toEqual({ valid: true, needsRehash: true });
    expect(await current.verify(wider, PASSWORD)).toEqual({ valid: true, needsRehash: true });
  });

  test('argon2i and argon2 version 0x10 hashes verify and ask for a rehash', async () => {
    const current = createPasswordHasher(LOW);
    const base = { memoryCost: LOW.memoryCostKiB, timeCost: LOW.timeCost, parallelism: 1 };
    const argon2i = await argon2Hash(PASSWORD, { ...base, algorithm: 1 as Algorithm });
    const version16 = await argon2Hash(PASSWORD, { ...base, algorithm: 2 as Algorithm, version: 0 as Version });
    expect(argon2i).toMatch(/^\$argon2i\$/);
    expect(version16).toMatch(/^\$argon2id\$v=16\$/);
    expect(await current.verify(argon2i, PASSWORD)).toEqual({ valid: true, needsRehash: true });
    expect(await current.verify(version16, PASSWORD)).toEqual({ valid: true, needsRehash: true });
  });
});

describe('L2 timing of unknown users', () => {
  test('an unknown user (null hash) runs one dummy verification with the same parameters and fails', async () => {
    const hasher = createPasswordHasher(LOW);
    expect(await hasher.verify(null, PASSWORD)).toEqual({ valid: false, needsRehash: false });
    expect(await hasher.verify(null, PASSWORD)).toEqual({ valid: false, needsRehash: false });
    expect(hasher.stats()).toMatchObject({ hashes: 0, verifies: 0, dummyVerifies: 2 });
  });

  test('concurrent unknown-user checks with a single slot share the lazy dummy hash without deadlock', async () => {
    const hasher = createPasswordHasher({ ...LOW, maxConcurrent: 1 });
    // With one slot, a dummy made while holding a slot would deadlock; this also guards that.
    const results = await Promise.all(Array.from({ length: 4 }, () => hasher.verify(null, PASSWORD)));
    expect(results.every((result) => !result.valid)).toBe(true);
    expect(hasher.stats().dummyVerifies).toBe(4);
  });

  test('the dummy path costs about as much as a real verification', async () => {
    const hasher = createPasswordHasher({ memoryCostKiB: 8192, timeCost: 2, maxConcurrent: 1 });
    const stored = await hasher.hash(PASSWORD);
    await hasher.verify(null, PASSWORD); // makes the dummy hash outside the measurement
    const time = async (run: () => Promise<unknown>): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < 5; i += 1) await run();
      return performance.now() - started;
    };
    const known = await time(() => hasher.verify(stored, 'wrong password'));
    const unknown = await time(() => hasher.verify(null, 'wrong password'));
    // Generous bounds: this only catches a dummy path that skips the work, not noise.
    expect(unknown).toBeGreaterThan(known * 0.3);
  });
});

describe('malformed stored hashes', () => {
  test.each([
    ['empty', ''],
    ['plain text', 'not a hash'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['truncated PHC', '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ'],
    ['bad base64', '$argon2id$v=19$m=1024,t=1,p=1$!!!!$!!!!'],
    ['absurd memory', '$argon2id$v=19$m=9999999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo'],
    ['salt too short', '$argon2id$v=19$m=1024,t=1,p=1$c2E$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo'],
  ])('a %s hash answers valid:false without throwing', async (_name, stored) => {
    const hasher = createPasswordHasher(LOW);
    const result = await hasher.verify(stored, PASSWORD);
    expect(result.valid).toBe(false);
    // Every verify costs one argon2 operation, real or dummy.
    const stats = hasher.stats();
    expect(stats.verifies + stats.dummyVerifies).toBe(1);
  });
});

describe('concurrency bound', () => {
  test('runs at most maxConcurrent hashes at once and queues the rest', async () => {
    const hasher = createPasswordHasher({ ...LOW, maxConcurrent: 2 });
    let observedMax = 0;
    let settled = false;
    const watch = (async () => {
      while (!settled) {
        observedMax = Math.max(observedMax, hasher.active);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const pending = Array.from({ length: 6 }, (_, i) => hasher.hash(`${PASSWORD} ${i}`));
    // The first two start at once (their slot is taken synchronously), the other four wait.
    await Promise.resolve();
    expect(hasher.active).toBe(2);
    expect(hasher.queued).toBe(4);

    const hashes = await Promise.all(pending);
    settled = true;
    await watch;
    expect(new Set(hashes).size).toBe(6);
    expect(observedMax).toBe(2);
    expect(hasher.stats()).toMatchObject({ hashes: 6, peakActive: 2 });
    expect(hasher.active).toBe(0);
    expect(hasher.queued).toBe(0);
  });

  test('verifications share the same bound', async () => {
    const hasher = createPasswordHasher({ ...LOW, maxConcurrent: 1 });
    const stored = await hasher.hash(PASSWORD);
    const results = await Promise.all([
      hasher.verify(stored, PASSWORD),
      hasher.verify(stored, 'wrong password'),
      hasher.hash(PASSWORD),
    ]);
    expect(results[0]).toEqual({ valid: true, needsRehash: false });
    expect(results[1]).toEqual({ valid: false, needsRehash: false });
    expect(hasher.stats().peakActive).toBe(1);
  });
});
