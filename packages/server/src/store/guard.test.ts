import { describe, expect, it } from 'vitest';
import { memoryStore } from '../stores/memory/index.js';
import { guardStore, StoreUnavailableError } from './guard.js';
import type { Store } from './types.js';

describe('guardStore', () => {
  it('passes answers through unchanged', async () => {
    const store = guardStore(memoryStore(), 1000);
    expect(await store.getUserByEmail('nobody@example.com')).toBeNull();
    expect(await store.incrementCounter('k', 1000, 0)).toEqual({ count: 1, resetAt: 1000 });
  });

  it('turns an operation slower than the timeout into StoreUnavailableError, on time', async () => {
    const slow = { ...memoryStore(), getSession: () => new Promise<never>(() => {}) } as Store;
    const started = performance.now();
    await expect(guardStore(slow, 50).getSession('x', 0)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('turns rejections and synchronous throws into StoreUnavailableError', async () => {
    const broken = {
      ...memoryStore(),
      getSession: () => Promise.reject(new Error('ECONNREFUSED')),
      getUserById: () => {
        throw new Error('boom');
      },
    } as Store;
    const store = guardStore(broken, 1000);
    await expect(store.getSession('x', 0)).rejects.toThrow(/getSession failed: ECONNREFUSED/);
    await expect(store.getUserById('x')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('guardStore on a plain-object store', () => {
  it("wraps the store's operations and nothing of Object.prototype", () => {
    const guarded = guardStore(memoryStore(), 1000) as unknown as Record<string, unknown>;
    expect(Object.keys(guarded)).toContain('getSession');
    expect(Object.keys(guarded)).not.toContain('toString');
    expect(Object.keys(guarded)).not.toContain('hasOwnProperty');
  });
});
