import { expect, it } from 'vitest';
import { type GetStore, createUser, newUser, uniqueEmail, uniqueId } from './fixtures.js';

export function userConformance(getStore: GetStore): void {
  it('creates a user and finds it by id and by email', async () => {
    const store = getStore();
    const user = newUser();
    expect(await store.createUser(user)).toBe(true);
    expect(await store.getUserById(user.id)).toEqual(user);
    expect(await store.getUserByEmail(user.email)).toEqual(user);
  });

  it('answers null for an unknown id or email', async () => {
    const store = getStore();
    expect(await store.getUserById(uniqueId('user'))).toBeNull();
    expect(await store.getUserByEmail(uniqueEmail())).toBeNull();
  });

  it('refuses a second user with a taken email and keeps the first', async () => {
    const store = getStore();
    const first = await createUser(store);
    const second = newUser({ email: first.email });
    expect(await store.createUser(second)).toBe(false);
    expect(await store.getUserByEmail(first.email)).toEqual(first);
    expect(await store.getUserById(second.id)).toBeNull();
  });

  it('lets exactly one of two racing createUser calls with the same email win', async () => {
    const store = getStore();
    const email = uniqueEmail();
    const a = newUser({ email });
    const b = newUser({ email });
    const results = await Promise.all([store.createUser(a), store.createUser(b)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? a : b;
    const loser = results[0] ? b : a;
    expect(await store.getUserByEmail(email)).toEqual(winner);
    expect(await store.getUserById(loser.id)).toBeNull();
  });

  it('updates the password hash of one user and leaves the others alone', async () => {
    const store = getStore();
    const user = await createUser(store);
    const other = await createUser(store);
    const passwordHash = '$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdG5ld3NhbHQ$bmV3aGFzaG5ld2hhc2huZXdoYXNo';
    await store.updatePasswordHash(user.id, passwordHash);
    expect(await store.getUserById(user.id)).toEqual({ ...user, passwordHash });
    expect(await store.getUserByEmail(user.email)).toEqual({ ...user, passwordHash });
    expect(await store.getUserById(other.id)).toEqual(other);
  });

  it('ignores a password update for an unknown user without creating one', async () => {
    const store = getStore();
    const id = uniqueId('user');
    await expect(store.updatePasswordHash(id, 'irrelevant')).resolves.toBeUndefined();
    expect(await store.getUserById(id)).toBeNull();
  });

  it('keeps its own copy of a user: mutating the object passed in or returned changes nothing stored', async () => {
    const store = getStore();
    const user = newUser();
    const original = { ...user };
    await store.createUser(user);
    user.passwordHash = 'mutated after create';

    const byId = await store.getUserById(user.id);
    expect(byId).toEqual(original);
    if (byId) byId.passwordHash = 'mutated after get';
    const byEmail = await store.getUserByEmail(user.email);
    if (byEmail) byEmail.email = 'mutated@example.com';

    expect(await store.getUserById(user.id)).toEqual(original);
    expect(await store.getUserByEmail(original.email)).toEqual(original);
  });
}
