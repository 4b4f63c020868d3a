/**
 * The one storage interface of crossauth. Every store (memory, SQLite, Redis, PostgreSQL, or a
 * third party's) implements it and passes the conformance suite in `@crossauth/server/testing`.
 *
 * Units: every time is milliseconds since the Unix epoch (`number`); every duration is milliseconds.
 * Secrets are never stored: sessions, bearer tokens and refresh tokens are kept as the hex SHA-256 of
 * their value. Expected negatives are values (`null`, `false`), never exceptions; a store throws only
 * when it cannot answer (unreachable, timed out), and the server turns that into 503 `store_unavailable`.
 */

export interface UserRecord {
  id: string;
  /** Trimmed and lower-cased; unique. */
  email: string;
  /** PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…`. */
  passwordHash: string;
  createdAt: number;
}

export interface SessionRecord {
  /** Hex SHA-256 of the session token; the token itself only ever lives in the cookie. */
  idHash: string;
  userId: string;
  createdAt: number;
  /** Last time the sliding renewal was written (at most once a minute). */
  lastSeenAt: number;
  /** Idle deadline: the session is dead after this instant unless renewed. */
  idleExpiresAt: number;
  /** Absolute deadline: never extended. */
  absoluteExpiresAt: number;
  /** "Remember me": a persistent cookie with the longer timeouts. */
  remember: boolean;
}

export type TokenKind = 'personal' | 'device';

export interface TokenRecord {
  id: string;
  /** Hex SHA-256 of the whole bearer token string. */
  secretHash: string;
  userId: string;
  name: string;
  kind: TokenKind;
  abilities: string[];
  createdAt: number;
  /** `null`: never expires. */
  expiresAt: number | null;
  /** Written at most once a minute per token. */
  lastUsedAt: number | null;
  /** Refresh family of a device token; `null` for personal tokens. */
  familyId: string | null;
}

export interface RefreshTokenRecord {
  /** Hex SHA-256 of the refresh token. */
  hash: string;
  familyId: string;
  userId: string;
  /** The access token issued together with this refresh token. */
  accessTokenId: string;
  /** The device name given at login, carried to every access token of the family. */
  name: string;
  createdAt: number;
  expiresAt: number;
  /** When it was spent on a refresh; `null` while unused. */
  usedAt: number | null;
}

/** Outcome of spending a refresh token. */
export type RefreshConsumeResult =
  | { status: 'consumed'; record: RefreshTokenRecord }
  /** Spent before, at `record.usedAt`: reuse, unless within the grace window the caller allows. */
  | { status: 'reused'; record: RefreshTokenRecord }
  | { status: 'not_found' };

export interface CounterState {
  count: number;
  /** End of the current fixed window. */
  resetAt: number;
}

export interface Store {
  // ── users ──────────────────────────────────────────────────────────────
  /** Inserts a user. `false` if the email is taken (atomically: two racing inserts, one wins). */
  createUser(user: UserRecord): Promise<boolean>;
  getUserById(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;

  // ── sessions ───────────────────────────────────────────────────────────
  createSession(session: SessionRecord): Promise<void>;
  /** The session, or `null` if unknown or past either deadline at `now`. */
  getSession(idHash: string, now: number): Promise<SessionRecord | null>;
  /** Sliding renewal: sets `lastSeenAt` and `idleExpiresAt` (never past `absoluteExpiresAt`). */
  touchSession(idHash: string, lastSeenAt: number, idleExpiresAt: number): Promise<void>;
  /** Deletes one session; `false` if it did not exist. */
  deleteSession(idHash: string): Promise<boolean>;
  /** Deletes every session of a user except `exceptIdHash`; returns how many went. */
  deleteUserSessions(userId: string, exceptIdHash?: string): Promise<number>;

  // ── bearer tokens ──────────────────────────────────────────────────────
  createToken(token: TokenRecord): Promise<void>;
  /** The token, or `null` if unknown, revoked (deleted) or expired at `now`. */
  getTokenByHash(secretHash: string, now: number): Promise<TokenRecord | null>;
  /** Tokens of a user that are not expired at `now`, oldest first. */
  listTokens(userId: string, now: number): Promise<TokenRecord[]>;
  touchToken(id: string, lastUsedAt: number): Promise<void>;
  /** Revokes one token of this user; `false` if it does not exist or belongs to someone else. */
  deleteToken(id: string, userId: string): Promise<boolean>;
  /** Revokes every token of a user; returns how many went. */
  deleteUserTokens(userId: string): Promise<number>;

  // ── refresh-token families ─────────────────────────────────────────────
  createRefreshToken(record: RefreshTokenRecord): Promise<void>;
  /**
   * Spends a refresh token atomically: of two concurrent calls with the same hash, exactly one sees
   * `consumed`. Expired or unknown hashes answer `not_found`.
   */
  consumeRefreshToken(hash: string, now: number): Promise<RefreshConsumeResult>;
  /** Revokes a whole family: its refresh tokens and its access tokens. */
  deleteRefreshFamily(familyId: string): Promise<void>;

  // ── throttle counters (fixed windows) ─────────────────────────────────
  /**
   * Adds one to the counter `key` atomically. A counter that does not exist or whose window ended
   * starts a new window of `windowMs` at `now` with count 1.
   */
  incrementCounter(key: string, windowMs: number, now: number): Promise<CounterState>;
  /** The live counter at `now`, or `null` when none is running. */
  getCounter(key: string, now: number): Promise<CounterState | null>;
  deleteCounter(key: string): Promise<void>;

  /** Releases what the store opened itself (never a client the user passed in). */
  close(): Promise<void>;
}
