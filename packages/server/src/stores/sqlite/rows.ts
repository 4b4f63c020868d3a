import type { RefreshTokenRecord, SessionRecord, TokenKind, TokenRecord, UserRecord } from '../../store/types.js';

// Rows as better-sqlite3 returns them (INTEGER columns arrive as `number`: epoch milliseconds stay far
// below 2^53), and the conversions to and from the records of the Store interface.

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
}

export interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  remember: 0 | 1;
}

export interface TokenRow {
  id: string;
  secret_hash: string;
  user_id: string;
  name: string;
  kind: TokenKind;
  /** JSON array of strings. */
  abilities: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  family_id: string | null;
}

export interface RefreshTokenRow {
  hash: string;
  family_id: string;
  user_id: string;
  access_token_id: string;
  name: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface CounterRow {
  count: number;
  reset_at: number;
}

export const userFromRow = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

export const userToRow = (u: UserRecord): UserRow => ({
  id: u.id,
  email: u.email,
  password_hash: u.passwordHash,
  created_at: u.createdAt,
});

export const sessionFromRow = (r: SessionRow): SessionRecord => ({
  idHash: r.id_hash,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  idleExpiresAt: r.idle_expires_at,
  absoluteExpiresAt: r.absolute_expires_at,
  remember: r.remember === 1,
});

export const sessionToRow = (s: SessionRecord): SessionRow => ({
  id_hash: s.idHash,
  user_id: s.userId,
  created_at: s.createdAt,
  last_seen_at: s.lastSeenAt,
  idle_expires_at: s.idleExpiresAt,
  absolute_expires_at: s.absoluteExpiresAt,
  remember: s.remember ? 1 : 0,
});

export const tokenFromRow = (r: TokenRow): TokenRecord => ({
  id: r.id,
  secretHash: r.secret_hash,
  userId: r.user_id,
  name: r.name,
  kind: r.kind,
  abilities: JSON.parse(r.abilities) as string[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  familyId: r.family_id,
});

export const tokenToRow = (t: TokenRecord): TokenRow => ({
  id: t.id,
  secret_hash: t.secretHash,
  user_id: t.userId,
  name: t.name,
  kind: t.kind,
  abilities: JSON.stringify(t.abilities),
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  last_used_at: t.lastUsedAt,
  family_id: t.familyId,
});

export const refreshFromRow = (r: RefreshTokenRow): RefreshTokenRecord => ({
  hash: r.hash,
  familyId: r.family_id,
  userId: r.user_id,
  accessTokenId: r.access_token_id,
  name: r.name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

export const refreshToRow = (r: RefreshTokenRecord): RefreshTokenRow => ({
  hash: r.hash,
  family_id: r.familyId,
  user_id: r.userId,
  access_token_id: r.accessTokenId,
  name: r.name,
  created_at: r.createdAt,
  expires_at: r.expiresAt,
  used_at: r.usedAt,
});
