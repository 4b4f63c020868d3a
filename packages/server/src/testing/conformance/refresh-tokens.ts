import { expect, it } from 'vitest';
import { type GetStore, MINUTE, createDevicePair, createUser, newToken, uniqueHash, uniqueId } from './fixtures.js';

export function refreshTokenConformance(getStore: GetStore): void {
  it('consumes a fresh refresh token, stamping usedAt with now', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const { refresh } = await createDevicePair(store, user.id, now);
    expect(await store.consumeRefreshToken(refresh.hash, now + 1)).toEqual({
      status: 'consumed',
      record: { ...refresh, usedAt: now + 1 },
    });
  });

  it('reports a second spend as reuse, with the time of the first spend', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const { refresh } = await createDevicePair(store, user.id, now);
    await store.consumeRefreshToken(refresh.hash, now + 1);
    const again = { status: 'reused', record: { ...refresh, usedAt: now + 1 } };
    expect(await store.consumeRefreshToken(refresh.hash, now + 2)).toEqual(again);
    expect(await store.consumeRefreshToken(refresh.hash, now + 3)).toEqual(again);
  });

  it('lets exactly one of five concurrent spends of the same refresh token consume it', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const { refresh } = await createDevicePair(store, user.id, now);
    const results = await Promise.all(Array.from({ length: 5 }, () => store.consumeRefreshToken(refresh.hash, now)));
    expect(results.filter((r) => r.status === 'consumed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'reused')).toHaveLength(4);
  });

  it('answers not_found for an unknown refresh token', async () => {
    expect(await getStore().consumeRefreshToken(uniqueHash(), Date.now())).toEqual({ status: 'not_found' });
  });

  it('answers not_found from the instant a refresh token expires, spent or not', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const lastMoment = await createDevicePair(store, user.id, now);
    const unused = await createDevicePair(store, user.id, now);
    const spent = await createDevicePair(store, user.id, now);
    const expiresAt = unused.refresh.expiresAt;
    await store.consumeRefreshToken(spent.refresh.hash, now);

    expect((await store.consumeRefreshToken(lastMoment.refresh.hash, expiresAt - 1)).status).toBe('consumed');
    expect((await store.consumeRefreshToken(spent.refresh.hash, expiresAt - 1)).status).toBe('reused');
    expect(await store.consumeRefreshToken(unused.refresh.hash, expiresAt)).toEqual({ status: 'not_found' });
    expect(await store.consumeRefreshToken(spent.refresh.hash, expiresAt)).toEqual({ status: 'not_found' });
  });

  it("revokes a family's refresh tokens and access tokens, and nothing else", async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const familyId = uniqueId('family');
    const first = await createDevicePair(store, user.id, now, familyId);
    await store.consumeRefreshToken(first.refresh.hash, now + 1);
    const second = await createDevicePair(store, user.id, now + 1, familyId);
    const otherFamily = await createDevicePair(store, user.id, now);
    const personal = newToken(user.id, now);
    await store.createToken(personal);

    await store.deleteRefreshFamily(familyId);
    for (const pair of [first, second]) {
      expect(await store.consumeRefreshToken(pair.refresh.hash, now + 2)).toEqual({ status: 'not_found' });
      expect(await store.getTokenByHash(pair.token.secretHash, now + 2)).toBeNull();
    }
    expect(await store.getTokenByHash(otherFamily.token.secretHash, now + 2)).toEqual(otherFamily.token);
    expect(await store.getTokenByHash(personal.secretHash, now + 2)).toEqual(personal);
    expect((await store.consumeRefreshToken(otherFamily.refresh.hash, now + 2)).status).toBe('consumed');
    await expect(store.deleteRefreshFamily(uniqueId('family'))).resolves.toBeUndefined();
  });

  it('keeps its own copy of a refresh token: mutating the object passed in or returned changes nothing stored', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const { refresh } = await createDevicePair(store, user.id, now);
    const original = { ...refresh };
    refresh.expiresAt = now + 60 * MINUTE;
    refresh.usedAt = now;

    const first = await store.consumeRefreshToken(original.hash, now + 1);
    expect(first).toEqual({ status: 'consumed', record: { ...original, usedAt: now + 1 } });
    if (first.status === 'consumed') {
      first.record.usedAt = null;
      first.record.familyId = 'mutated';
    }
    expect(await store.consumeRefreshToken(original.hash, now + 2)).toEqual({
      status: 'reused',
      record: { ...original, usedAt: now + 1 },
    });
    expect(await store.consumeRefreshToken(original.hash, original.expiresAt)).toEqual({ status: 'not_found' });
  });
}
