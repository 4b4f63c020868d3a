import { expect, it } from 'vitest';
import { type GetStore, MINUTE, createDevicePair, createUser, newToken, uniqueHash, uniqueId } from './fixtures.js';

export function tokenConformance(getStore: GetStore): void {
  it('creates a personal token and finds it by hash with every field intact', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const token = newToken(user.id, now, { name: 'CI deploy', abilities: ['notes:read', 'notes:write'] });
    await store.createToken(token);
    expect(await store.getTokenByHash(token.secretHash, now)).toEqual(token);
  });

  it('keeps the kind, expiry, last use and family of a device token', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const token = newToken(user.id, now, {
      kind: 'device',
      abilities: [],
      expiresAt: now + MINUTE,
      lastUsedAt: now,
      familyId: uniqueId('family'),
    });
    await store.createToken(token);
    expect(await store.getTokenByHash(token.secretHash, now)).toEqual(token);
  });

  it('answers null for an unknown token hash', async () => {
    expect(await getStore().getTokenByHash(uniqueHash(), Date.now())).toBeNull();
  });

  it('treats a token as gone from the instant it expires, and one without expiry as never expiring', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const expiring = newToken(user.id, now, { expiresAt: now + MINUTE });
    const forever = newToken(user.id, now);
    await store.createToken(expiring);
    await store.createToken(forever);
    expect(await store.getTokenByHash(expiring.secretHash, now + MINUTE - 1)).toEqual(expiring);
    expect(await store.getTokenByHash(expiring.secretHash, now + MINUTE)).toBeNull();
    const centuryLater = now + 100 * 365 * 24 * 60 * MINUTE;
    expect(await store.getTokenByHash(forever.secretHash, centuryLater)).toEqual(forever);
  });

  it("lists a user's live tokens oldest first, without expired tokens or other users' tokens", async () => {
    const store = getStore();
    const user = await createUser(store);
    const other = await createUser(store);
    const now = Date.now();
    const newest = newToken(user.id, now + 2, { name: 'newest' });
    const oldest = newToken(user.id, now, { name: 'oldest', expiresAt: now + 2 * MINUTE });
    const middle = newToken(user.id, now + 1, { name: 'middle', kind: 'device', familyId: uniqueId('family') });
    const expired = newToken(user.id, now, { name: 'expired', expiresAt: now + MINUTE });
    const theirs = newToken(other.id, now, { name: 'theirs' });
    for (const token of [newest, oldest, middle, expired, theirs]) await store.createToken(token);

    expect(await store.listTokens(user.id, now)).toEqual([oldest, expired, middle, newest]);
    expect(await store.listTokens(user.id, now + MINUTE)).toEqual([oldest, middle, newest]);
    expect(await store.listTokens(user.id, now + 2 * MINUTE)).toEqual([middle, newest]);
    expect(await store.listTokens(other.id, now)).toEqual([theirs]);
  });

  it('lists no tokens for a user who has none', async () => {
    expect(await getStore().listTokens(uniqueId('user'), Date.now())).toEqual([]);
  });

  it('records the last use of a token on touch', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const token = newToken(user.id, now);
    await store.createToken(token);
    await store.touchToken(token.id, now + MINUTE);
    expect(await store.getTokenByHash(token.secretHash, now + MINUTE)).toEqual({ ...token, lastUsedAt: now + MINUTE });
    expect(await store.listTokens(user.id, now + MINUTE)).toEqual([{ ...token, lastUsedAt: now + MINUTE }]);
    await expect(store.touchToken(uniqueId('token'), now)).resolves.toBeUndefined();
  });

  it("revokes a user's own token, answering true, and false the second time", async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const token = newToken(user.id, now);
    const kept = newToken(user.id, now);
    await store.createToken(token);
    await store.createToken(kept);
    expect(await store.deleteToken(token.id, user.id)).toBe(true);
    expect(await store.getTokenByHash(token.secretHash, now)).toBeNull();
    expect(await store.listTokens(user.id, now)).toEqual([kept]);
    expect(await store.deleteToken(token.id, user.id)).toBe(false);
  });

  it("refuses to revoke another user's token and keeps it working", async () => {
    const store = getStore();
    const owner = await createUser(store);
    const intruder = await createUser(store);
    const now = Date.now();
    const token = newToken(owner.id, now);
    await store.createToken(token);
    expect(await store.deleteToken(token.id, intruder.id)).toBe(false);
    expect(await store.getTokenByHash(token.secretHash, now)).toEqual(token);
    expect(await store.deleteToken(uniqueId('token'), owner.id)).toBe(false);
  });

  it("revokes every token of a user with their refresh tokens, counts them, and spares other users'", async () => {
    const store = getStore();
    const user = await createUser(store);
    const other = await createUser(store);
    const now = Date.now();
    const personal = newToken(user.id, now);
    await store.createToken(personal);
    const device = await createDevicePair(store, user.id, now);
    const theirs = await createDevicePair(store, other.id, now);

    expect(await store.deleteUserTokens(user.id)).toBe(2);
    expect(await store.getTokenByHash(personal.secretHash, now)).toBeNull();
    expect(await store.getTokenByHash(device.token.secretHash, now)).toBeNull();
    expect(await store.listTokens(user.id, now)).toEqual([]);
    expect(await store.consumeRefreshToken(device.refresh.hash, now)).toEqual({ status: 'not_found' });

    expect(await store.getTokenByHash(theirs.token.secretHash, now)).toEqual(theirs.token);
    expect((await store.consumeRefreshToken(theirs.refresh.hash, now)).status).toBe('consumed');
    expect(await store.deleteUserTokens(user.id)).toBe(0);
  });

  it('keeps its own copy of a token: mutating the object passed in or returned changes nothing stored', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const token = newToken(user.id, now, { abilities: ['notes:read'] });
    const original = { ...token, abilities: [...token.abilities] };
    await store.createToken(token);
    token.abilities.push('admin');
    token.name = 'mutated after create';

    const read = await store.getTokenByHash(original.secretHash, now);
    expect(read).toEqual(original);
    read?.abilities.push('admin');
    const [listed] = await store.listTokens(user.id, now);
    expect(listed).toEqual(original);
    listed?.abilities.splice(0);

    expect(await store.getTokenByHash(original.secretHash, now)).toEqual(original);
    expect(await store.listTokens(user.id, now)).toEqual([original]);
  });
}
