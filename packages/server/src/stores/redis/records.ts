import type { RefreshTokenRecord, SessionRecord, TokenKind, TokenRecord, UserRecord } from '../../store/types.js';

// Records live in Redis hashes, every field a string: times as decimal epoch milliseconds, `null` as
// the empty string, booleans as '1'/'0', abilities as a JSON array. These functions are the only place
// that knows the encoding; a hash missing a field decodes as "no record", never as a half record.

export type Fields = Record<string, string>;

/** A Lua script returns a hash as `[field, value, field, value, …]`. */
export function fromPairs(pairs: unknown): Fields {
  const fields: Fields = {};
  if (!Array.isArray(pairs)) return fields;
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[String(pairs[i])] = String(pairs[i + 1]);
  return fields;
}

export const encodeNullable = (value: number | string | null): string => (value === null ? '' : String(value));
const decodeNullableTime = (value: string): number | null => (value === '' ? null : Number(value));
const decodeNullableString = (value: string): string | null => (value === '' ? null : value);

function has<K extends string>(fields: Fields, names: readonly K[]): fields is Fields & Record<K, string> {
  return names.every((name) => fields[name] !== undefined);
}

const USER_FIELDS = ['id', 'email', 'passwordHash', 'createdAt'] as const;
export function decodeUser(fields: Fields): UserRecord | null {
  if (!has(fields, USER_FIELDS)) return null;
  return { id: fields.id, email: fields.email, passwordHash: fields.passwordHash, createdAt: Number(fields.createdAt) };
}

const SESSION_FIELDS = ['userId', 'createdAt', 'lastSeenAt', 'idleExpiresAt', 'absoluteExpiresAt', 'remember'] as const;
export function decodeSession(idHash: string, fields: Fields): SessionRecord | null {
  if (!has(fields, SESSION_FIELDS)) return null;
  return {
    idHash,
    userId: fields.userId,
    createdAt: Number(fields.createdAt),
    lastSeenAt: Number(fields.lastSeenAt),
    idleExpiresAt: Number(fields.idleExpiresAt),
    absoluteExpiresAt: Number(fields.absoluteExpiresAt),
    remember: fields.remember === '1',
  };
}

const TOKEN_FIELDS = [
  'id', 'secretHash', 'userId', 'name', 'kind', 'abilities', 'createdAt', 'expiresAt', 'lastUsedAt', 'familyId', 'seq',
] as const;
/** A token with its insertion sequence, which orders tokens created in the same millisecond. */
export function decodeToken(fields: Fields): { token: TokenRecord; seq: number } | null {
  if (!has(fields, TOKEN_FIELDS)) return null;
  const token: TokenRecord = {
    id: fields.id,
    secretHash: fields.secretHash,
    userId: fields.userId,
    name: fields.name,
    kind: fields.kind as TokenKind,
    abilities: JSON.parse(fields.abilities) as string[],
    createdAt: Number(fields.createdAt),
    expiresAt: decodeNullableTime(fields.expiresAt),
    lastUsedAt: decodeNullableTime(fields.lastUsedAt),
    familyId: decodeNullableString(fields.familyId),
  };
  return { token, seq: Number(fields.seq) };
}

const REFRESH_FIELDS = ['familyId', 'userId', 'accessTokenId', 'name', 'createdAt', 'expiresAt', 'usedAt'] as const;
export function decodeRefresh(hash: string, fields: Fields): RefreshTokenRecord | null {
  if (!has(fields, REFRESH_FIELDS)) return null;
  return {
    hash,
    familyId: fields.familyId,
    userId: fields.userId,
    accessTokenId: fields.accessTokenId,
    name: fields.name,
    createdAt: Number(fields.createdAt),
    expiresAt: Number(fields.expiresAt),
    usedAt: decodeNullableTime(fields.usedAt),
  };
}
