import { expect, it } from 'vitest';
import { type GetStore, MINUTE, createUser, newSession, uniqueHash, uniqueId } from './fixtures.js';

export function sessionConformance(getStore: GetStore): void {
  it('creates a session and reads back every field, remember or not', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const plain = newSession(user.id, now);
    const remembered = newSession(user.id, now, { remember: true });
    await store.createSession(plain);
    await store.createSession(remembered);
    expect(await store.getSession(plain.idHash, now)).toEqual(plain);
    expect(await store.getSession(remembered.idHash, now + 1)).toEqual(remembered);
  });

  it('answers null for an unknown session', async () => {
    expect(await getStore().getSession(uniqueHash(), Date.now())).toBeNull();
  });

  it('treats a session as gone from the instant of its idle deadline', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const session = newSession(user.id, now);
    await store.createSession(session);
    expect(await store.getSession(session.idHash, session.idleExpiresAt - 1)).toEqual(session);
    expect(await store.getSession(session.idHash, session.idleExpiresAt)).toBeNull();
    expect(await store.getSession(session.idHash, session.idleExpiresAt + MINUTE)).toBeNull();
  });

  it('treats a session as gone from the instant of its absolute deadline, even with idle time left', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const session = newSession(user.id, now, { idleExpiresAt: now + 3 * MINUTE, absoluteExpiresAt: now + MINUTE });
    await store.createSession(session);
    expect(await store.getSession(session.idHash, now + MINUTE - 1)).toEqual(session);
    expect(await store.getSession(session.idHash, now + MINUTE)).toBeNull();
  });

  it('slides the idle deadline on touch, keeping the session alive past its first idle deadline', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const session = newSession(user.id, now, { absoluteExpiresAt: now + 5 * MINUTE });
    await store.createSession(session);
    const seen = now + 30_000;
    await store.touchSession(session.idHash, seen, seen + MINUTE);
    const renewed = { ...session, lastSeenAt: seen, idleExpiresAt: seen + MINUTE };
    expect(await store.getSession(session.idHash, session.idleExpiresAt)).toEqual(renewed);
    expect(await store.getSession(session.idHash, seen + MINUTE)).toBeNull();
  });

  it('clamps a touched idle deadline to the absolute deadline', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const session = newSession(user.id, now, { idleExpiresAt: now + MINUTE, absoluteExpiresAt: now + 2 * MINUTE });
    await store.createSession(session);
    await store.touchSession(session.idHash, now + MINUTE - 1, now + 4 * MINUTE);
    const touched = await store.getSession(session.idHash, now + MINUTE);
    expect(touched).toEqual({ ...session, lastSeenAt: now + MINUTE - 1, idleExpiresAt: session.absoluteExpiresAt });
    expect(await store.getSession(session.idHash, session.absoluteExpiresAt)).toBeNull();
  });

  it('ignores a touch of an unknown session without creating one', async () => {
    const store = getStore();
    const idHash = uniqueHash();
    const now = Date.now();
    await expect(store.touchSession(idHash, now, now + MINUTE)).resolves.toBeUndefined();
    expect(await store.getSession(idHash, now)).toBeNull();
  });

  it('deletes a session once, answering true, and false the second time', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const session = newSession(user.id, now);
    await store.createSession(session);
    expect(await store.deleteSession(session.idHash)).toBe(true);
    expect(await store.getSession(session.idHash, now)).toBeNull();
    expect(await store.deleteSession(session.idHash)).toBe(false);
    expect(await store.deleteSession(uniqueHash())).toBe(false);
  });

  it("deletes every session of a user, counts them, and leaves other users' sessions alone", async () => {
    const store = getStore();
    const user = await createUser(store);
    const other = await createUser(store);
    const now = Date.now();
    const mine = [newSession(user.id, now), newSession(user.id, now), newSession(user.id, now)];
    const theirs = newSession(other.id, now);
    for (const session of [...mine, theirs]) await store.createSession(session);

    expect(await store.deleteUserSessions(user.id)).toBe(3);
    for (const session of mine) expect(await store.getSession(session.idHash, now)).toBeNull();
    expect(await store.getSession(theirs.idHash, now)).toEqual(theirs);
    expect(await store.deleteUserSessions(user.id)).toBe(0);
  });

  it('keeps the excepted session when deleting the other sessions of a user', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const current = newSession(user.id, now);
    const others = [newSession(user.id, now), newSession(user.id, now)];
    for (const session of [current, ...others]) await store.createSession(session);

    expect(await store.deleteUserSessions(user.id, current.idHash)).toBe(2);
    expect(await store.getSession(current.idHash, now)).toEqual(current);
    for (const session of others) expect(await store.getSession(session.idHash, now)).toBeNull();
    expect(await store.deleteUserSessions(user.id, current.idHash)).toBe(0);
  });

  it('answers 0 when deleting the sessions of a user who has none', async () => {
    expect(await getStore().deleteUserSessions(uniqueId('user'))).toBe(0);
  });

  it('keeps its own copy of a session: mutating the object passed in or returned changes nothing stored', async () => {
    const store = getStore();
    const user = await createUser(store);
    const now = Date.now();
    const session = newSession(user.id, now);
    const original = { ...session };
    await store.createSession(session);
    session.absoluteExpiresAt = now + 60 * MINUTE;
    session.remember = true;

    const read = await store.getSession(original.idHash, now);
    expect(read).toEqual(original);
    if (read) {
      read.idleExpiresAt = now + 60 * MINUTE;
      read.userId = 'someone else';
    }
    expect(await store.getSession(original.idHash, now)).toEqual(original);
  });
}
