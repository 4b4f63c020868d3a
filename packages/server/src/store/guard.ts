import type { Store } from './types.js';

/** The store could not answer in time or at all; the pipeline turns it into 503 `store_unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`store operation ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

interface Pending {
  deadline: number;
  operation: string;
  reject(error: StoreUnavailableError): void;
}

/**
 * Wraps every store method so that it fails closed and fast: a rejection, a synchronous throw or an
 * answer slower than `timeoutMs` becomes `StoreUnavailableError`.
 *
 * One sweeper timer serves every pending call (it runs only while calls are pending), instead of a
 * `setTimeout` plus `Promise.race` per call: a store that answers at once (memory, SQLite) then costs a
 * Set insert and delete, and a slow one is still cut off within a tenth of the timeout of its deadline.
 */
export function guardStore(store: Store, timeoutMs: number): Store {
  const pending = new Set<Pending>();
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = Date.now();
    for (const call of pending) {
      if (now >= call.deadline) {
        pending.delete(call);
        call.reject(new StoreUnavailableError(call.operation, `no answer within ${timeoutMs} ms`));
      }
    }
    if (pending.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const interval = Math.max(5, Math.floor(timeoutMs / 10));

  const guard = (operation: string, method: (...args: unknown[]) => unknown) =>
    (...args: unknown[]): Promise<unknown> => {
      let result: unknown;
      try {
        result = method.apply(store, args);
      } catch (error) {
        return Promise.reject(new StoreUnavailableError(operation, error));
      }
      return new Promise((resolve, reject) => {
        const call: Pending = { deadline: Date.now() + timeoutMs, operation, reject };
        pending.add(call);
        if (sweeper === undefined) {
          sweeper = setInterval(sweep, interval);
          sweeper.unref();
        }
        Promise.resolve(result).then(
          (value) => {
            if (pending.delete(call)) resolve(value);
          },
          (error: unknown) => {
            if (pending.delete(call)) reject(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(operation, error));
          },
        );
      });
    };

  const guarded: Record<string, unknown> = {};
  // Methods of a class-based store live on its prototype; a plain-object store has only own keys (and
  // Object.prototype's methods are not store operations).
  const prototype = Object.getPrototypeOf(store) as object | null;
  const inherited = prototype === null || prototype === Object.prototype ? [] : Object.getOwnPropertyNames(prototype);
  const names = new Set([...inherited, ...Object.keys(store)]);
  for (const name of names) {
    const method = (store as unknown as Record<string, unknown>)[name];
    if (typeof method === 'function' && name !== 'constructor') guarded[name] = guard(name, method as (...args: unknown[]) => unknown);
  }
  return guarded as unknown as Store;
}
