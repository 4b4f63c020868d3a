import { isTokenShaped, randomToken, sha256Hex, type RandomSource } from '../crypto/index.js';
import type { SessionRecord, Store } from '../store/index.js';

/** Session timeouts, in milliseconds (normalised from `SessionOptions`). */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  rememberIdleMs: number;
  rememberAbsoluteMs: number;
  renewIntervalMs: number;
}

export interface NewSession {
  /** The 256-bit token for the cookie; never stored. */
  token: string;
  record: SessionRecord;
  /** `Max-Age` for a "remember me" cookie (the absolute lifetime), `undefined` for a browser-session cookie. */
  cookieMaxAgeSeconds: number | undefined;
}

/**
 * Server-side sessions: a random token in the cookie, its SHA-256 in the store. Idle and absolute
 * deadlines are enforced here and by the store; sliding renewal touches the store at most once per
 * `renewIntervalMs`, so an active session costs one read per request and no write.
 */
export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly policy: SessionPolicy,
    private readonly random: RandomSource,
  ) {}

  async create(userId: string, remember: boolean, now: number): Promise<NewSession> {
    const token = randomToken(this.random);
    const absolute = remember ? this.policy.rememberAbsoluteMs : this.policy.absoluteMs;
    const idle = remember ? this.policy.rememberIdleMs : this.policy.idleMs;
    const record: SessionRecord = {
      idHash: sha256Hex(token),
      userId,
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: Math.min(now + idle, now + absolute),
      absoluteExpiresAt: now + absolute,
      remember,
    };
    await this.store.createSession(record);
    return { token, record, cookieMaxAgeSeconds: remember ? Math.floor(absolute / 1000) : undefined };
  }

  /** The live session for a cookie value, renewed if due; `null` for anything else (never a throw). */
  async validate(token: string | undefined, now: number): Promise<SessionRecord | null> {
    if (!isTokenShaped(token)) return null;
    const record = await this.store.getSession(sha256Hex(token), now);
    if (record === null || now >= record.idleExpiresAt || now >= record.absoluteExpiresAt) return null;
    if (now - record.lastSeenAt >= this.policy.renewIntervalMs) {
      const idle = record.remember ? this.policy.rememberIdleMs : this.policy.idleMs;
      const idleExpiresAt = Math.min(now + idle, record.absoluteExpiresAt);
      await this.store.touchSession(record.idHash, now, idleExpiresAt);
      return { ...record, lastSeenAt: now, idleExpiresAt };
    }
    return record;
  }

  destroy(idHash: string): Promise<boolean> {
    return this.store.deleteSession(idHash);
  }

  destroyAllOf(userId: string, exceptIdHash?: string): Promise<number> {
    return this.store.deleteUserSessions(userId, exceptIdHash);
  }
}
