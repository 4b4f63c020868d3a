import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../store/types.js';
import { counterConformance } from './conformance/counters.js';
import type { GetStore } from './conformance/fixtures.js';
import { refreshTokenConformance } from './conformance/refresh-tokens.js';
import { sessionConformance } from './conformance/sessions.js';
import { tokenConformance } from './conformance/tokens.js';
import { userConformance } from './conformance/users.js';

export interface StoreConformanceOptions {
  /**
   * Runs once after the suite, after `store.close()`: drop a test database, quit a client you passed
   * to the store, remove a temporary directory. Default: nothing.
   */
  cleanup?: (store: Store) => Promise<void> | void;
}

/**
 * Registers the conformance suite of the crossauth `Store` interface with vitest: every method, its
 * expiry rules (`now` is always passed in; deadlines are exclusive: at `now === deadline` a record is
 * gone), its atomicity under concurrent calls, and that records go in and out as copies.
 *
 * `makeStore` runs once, in `beforeAll`; all tests share the store it returns. Each test makes its own
 * random ids, emails, hashes and counter keys, so the suite can run repeatedly against a persistent
 * shared database without cleaning up in between.
 *
 * @example
 * ```ts
 * import { describeStoreConformance } from '@crossauth/server/testing';
 * describeStoreConformance('my redis store', () => redisStore({ client, prefix: 'test:' }));
 * ```
 */
export function describeStoreConformance(
  name: string,
  makeStore: () => Promise<Store> | Store,
  options: StoreConformanceOptions = {},
): void {
  describe(`${name}: store conformance`, () => {
    let store: Store | undefined;
    const getStore: GetStore = () => {
      if (!store) throw new Error(`describeStoreConformance(${JSON.stringify(name)}): makeStore did not provide a store`);
      return store;
    };

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      if (!store) return;
      await store.close();
      await options.cleanup?.(store);
    });

    describe('users', () => userConformance(getStore));
    describe('sessions', () => sessionConformance(getStore));
    describe('bearer tokens', () => tokenConformance(getStore));
    describe('refresh tokens', () => refreshTokenConformance(getStore));
    describe('throttle counters', () => counterConformance(getStore));
  });
}
