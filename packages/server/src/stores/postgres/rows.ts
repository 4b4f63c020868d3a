import type { RefreshTokenRecord, SessionRecord, TokenKind, TokenRecord, UserRecord } from '../../store/types.js';

// Rows as `pg` returns them. BIGINT arrives as a string by default (it may exceed 2^53); epoch
// milliseconds never do, so they are turned into numbers here rather than by changing pg's global type
// parsers, which belong to the application that made the pool.

type Time = string | number;
const time = (value: Time): number => Number(value);
const nullableTime = (value: Time | null): number | null => (value === null ? null : Number(value));

export const USER_COLUMNS = 'id, email, password_hash, created_at';
export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: Time;
}
export const userFromRow = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: time(r.created_at),
});

export const SESSION_COLUMNS = 'id_hash, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, remember';
export interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: Time;
  last_seen_at: Time;
  idle_expires_at: Time;
  absolute_expires_at: Time;
  remember: boolean;
}
export const sessionFromRow = (r: SessionRow): SessionRecord => ({
  idHash: r.id_hash,
  userId: r.user_id,
  createdAt: time(r.created_at),
  lastSeenAt: time(r.last_seen_at),
  idleExpiresAt: time(r.idle_expires_at),
  absoluteExpiresAt: time(r.absolute_expires_at),
  remember: r.remember,
});

export const TOKEN_COLUMNS = 'id, secret_hash, user_id, name, kind, abilities, created_at, expires_at, last_used_at, family_id';
export interface TokenRow {
  id: string;
  secret_hash: string;
  user_id: string;
  name: string;
  kind: TokenKind;
  abilities: string[];
  created_at: Time;
  expires_at: Time | null;
  last_used_at: Time | null;
  family_id: string | null;
}
export const tokenFromRow = (r: TokenRow): TokenRecord => ({
  id: r.id,
  secretHash: r.secret_hash,
  userId: r.user_id,
  name: r.name,
  kind: r.kind,
  abilities: [...r.abilities],
  createdAt: time(r.created_at),
  expiresAt: nullableTime(r.expires_at),
  lastUsedAt: nullableTime(r.last_used_at),
  familyId: r.family_id,
});

export const REFRESH_COLUMNS = 'hash, family_id, user_id, access_token_id, name, created_at, expires_at, used_at';
export interface RefreshTokenRow {
  hash: string;
  family_id: string;
  user_id: string;
  access_token_id: string;
  name: string;
  created_at: Time;
  expires_at: Time;
  used_at: Time | null;
}
export const refreshFromRow = (r: RefreshTokenRow): RefreshTokenRecord => ({
  hash: r.hash,
  familyId: r.family_id,
  userId: r.user_id,
  accessTokenId: r.access_token_id,
  name: r.name,
  createdAt: time(r.created_at),
  expiresAt: time(r.expires_at),
  usedAt: nullableTime(r.used_at),
});

export interface CounterRow {
  count: number;
  reset_at: Time;
}
