import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { type GetStore, MINUTE } from './fixtures.js';

const uniqueKey = (): string => `conformance:login:${randomUUID()}`;

export function counterConformance(getStore: GetStore): void {
  it('starts a counter at 1 with a window ending windowMs from now', async () => {
    const now = Date.now();
    expect(await getStore().incrementCounter(uniqueKey(), MINUTE, now)).toEqual({ count: 1, resetAt: now + MINUTE });
  });

  it('counts up within the window and keeps the end of the window', async () => {
    const store = getStore();
    const key = uniqueKey();
    const now = Date.now();
    await store.incrementCounter(key, MINUTE, now);
    expect(await store.incrementCounter(key, MINUTE, now + 1)).toEqual({ count: 2, resetAt: now + MINUTE });
    expect(await store.incrementCounter(key, 5 * MINUTE, now + MINUTE - 1)).toEqual({ count: 3, resetAt: now + MINUTE });
  });

  it('starts a new window at count 1 from the instant the old window ends', async () => {
    const store = getStore();
    const key = uniqueKey();
    const now = Date.now();
    await store.incrementCounter(key, MINUTE, now);
    await store.incrementCounter(key, MINUTE, now + 1);
    const next = now + MINUTE;
    expect(await store.incrementCounter(key, MINUTE, next)).toEqual({ count: 1, resetAt: next + MINUTE });
    expect(await store.incrementCounter(key, MINUTE, next + 1)).toEqual({ count: 2, resetAt: next + MINUTE });
  });

  it('counts every one of twenty concurrent increments', async () => {
    const store = getStore();
    const key = uniqueKey();
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.incrementCounter(key, MINUTE, now)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.getCounter(key, now)).toEqual({ count: 20, resetAt: now + MINUTE });
  });

  it('shows the live counter, and null once its window ended or for an unknown key', async () => {
    const store = getStore();
    const key = uniqueKey();
    const now = Date.now();
    expect(await store.getCounter(key, now)).toBeNull();
    await store.incrementCounter(key, MINUTE, now);
    await store.incrementCounter(key, MINUTE, now);
    expect(await store.getCounter(key, now + MINUTE - 1)).toEqual({ count: 2, resetAt: now + MINUTE });
    expect(await store.getCounter(key, now + MINUTE)).toBeNull();
  });

  it('forgets a deleted counter, so the next increment starts at 1', async () => {
    const store = getStore();
    const key = uniqueKey();
    const now = Date.now();
    await store.incrementCounter(key, MINUTE, now);
    await store.incrementCounter(key, MINUTE, now);
    await store.deleteCounter(key);
    expect(await store.getCounter(key, now)).toBeNull();
    expect(await store.incrementCounter(key, MINUTE, now + 1)).toEqual({ count: 1, resetAt: now + 1 + MINUTE });
    await expect(store.deleteCounter(uniqueKey())).resolves.toBeUndefined();
  });

  it('keeps counters with different keys apart', async () => {
    const store = getStore();
    const a = uniqueKey();
    const b = uniqueKey();
    const now = Date.now();
    await store.incrementCounter(a, MINUTE, now);
    await store.incrementCounter(a, MINUTE, now);
    await store.incrementCounter(b, 2 * MINUTE, now);
    expect(await store.getCounter(a, now)).toEqual({ count: 2, resetAt: now + MINUTE });
    expect(await store.getCounter(b, now)).toEqual({ count: 1, resetAt: now + 2 * MINUTE });
  });

  it('keeps its own copy of a counter: mutating a returned state changes nothing stored', async () => {
    const store = getStore();
    const key = uniqueKey();
    const now = Date.now();
    const state = await store.incrementCounter(key, MINUTE, now);
    state.count = 100;
    state.resetAt = now + 60 * MINUTE;
    const read = await store.getCounter(key, now);
    expect(read).toEqual({ count: 1, resetAt: now + MINUTE });
    if (read) read.count = 100;
    expect(await store.getCounter(key, now)).toEqual({ count: 1, resetAt: now + MINUTE });
  });
}
