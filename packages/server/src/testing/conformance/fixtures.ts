import { randomBytes, randomUUID } from 'node:crypto';
import type { RefreshTokenRecord, SessionRecord, Store, TokenRecord, UserRecord } from '../../store/types.js';

/** Hands the store made in `beforeAll` to tests registered before it exists. */
export type GetStore = () => Store;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

// Every test makes its own ids, emails, hashes and keys, so the suite can run again and again against
// one persistent database (Redis, PostgreSQL) without cleaning up between runs. Times start at the real
// clock and move by minutes at most, so the opportunistic purges of stores sharing that database never
// sweep rows that a test running elsewhere still expects.

export const uniqueId = (prefix: string): string => `${prefix}_${randomUUID()}`;
export const uniqueHash = (): string => randomBytes(32).toString('hex');
export const uniqueEmail = (): string => `${randomUUID()}@conformance.crossauth.test`;

export function newUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: uniqueId('user'),
    email: uniqueEmail(),
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
    createdAt: Date.now(),
    ...overrides,
  };
}

/** Creates a user first, so stores that enforce references (a PostgreSQL foreign key) pass too. */
export async function createUser(store: Store, overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
  const user = newUser(overrides);
  if (!(await store.createUser(user))) throw new Error('conformance fixture: createUser answered false');
  return user;
}

export function newSession(userId: string, now: number, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    idHash: uniqueHash(),
    userId,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + MINUTE,
    absoluteExpiresAt: now + 2 * MINUTE,
    remember: false,
    ...overrides,
  };
}

export function newToken(userId: string, now: number, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: uniqueId('token'),
    secretHash: uniqueHash(),
    userId,
    name: 'conformance token',
    kind: 'personal',
    abilities: ['*'],
    createdAt: now,
    expiresAt: null,
    lastUsedAt: null,
    familyId: null,
    ...overrides,
  };
}

export function newRefreshToken(
  userId: string,
  familyId: string,
  accessTokenId: string,
  now: number,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  return {
    hash: uniqueHash(),
    familyId,
    userId,
    accessTokenId,
    name: 'test device',
    createdAt: now,
    expiresAt: now + 5 * MINUTE,
    usedAt: null,
    ...overrides,
  };
}

/** A device token together with its refresh token, as `/auth/token` issues them. */
export async function createDevicePair(
  store: Store,
  userId: string,
  now: number,
  familyId: string = uniqueId('family'),
): Promise<{ token: TokenRecord; refresh: RefreshTokenRecord }> {
  const token = newToken(userId, now, { kind: 'device', abilities: ['notes:read'], expiresAt: now + MINUTE, familyId });
  const refresh = newRefreshToken(userId, familyId, token.id, now);
  await store.createToken(token);
  await store.createRefreshToken(refresh);
  return { token, refresh };
}
