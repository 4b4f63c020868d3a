import type { Store } from './types.js';

/** The store could not answer in time or at all; the pipeline turns it into 503 `store_unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`store operation ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Wraps every store method so that it fails closed and fast: a rejection, a synchronous throw or an
 * answer slower than `timeoutMs` becomes `StoreUnavailableError`. A store that answers at once (memory,
 * SQLite) settles before the timer matters; the timer is cleared either way.
 */
export function guardStore(store: Store, timeoutMs: number): Store {
  const guarded = {} as Record<string, unknown>;
  for (const key of Object.keys(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(store))).concat(Object.keys(store))) {
    const method = (store as unknown as Record<string, unknown>)[key];
    if (typeof method !== 'function' || key === 'constructor') continue;
    guarded[key] = (...args: unknown[]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreUnavailableError(key, `no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      let call: Promise<unknown>;
      try {
        call = Promise.resolve((method as (...a: unknown[]) => unknown).apply(store, args));
      } catch (error) {
        call = Promise.reject(error);
      }
      return Promise.race([call, timeout]).then(
        (value) => {
          clearTimeout(timer);
          return value;
        },
        (error: unknown) => {
          clearTimeout(timer);
          throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(key, error);
        },
      );
    };
  }
  return guarded as unknown as Store;
}
