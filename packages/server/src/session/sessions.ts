import { isTokenShaped, randomToken, sha256Hex, type RandomSource } from '../crypto/index.js';
import type { SessionRecord, Store } from '../store/index.js';
import type { SessionCache } from './cache.js';

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
    /** Optional and off by default: answers repeat validations from memory for a short, documented window. */
    private readonly cache?: SessionCache,
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
    const idHash = sha256Hex(token);
    const cached = this.cache?.get(idHash, now);
    const record = cached ?? (await this.store.getSession(idHash, now));
    if (record === null || now >= record.idleExpiresAt || now >= record.absoluteExpiresAt) return null;
    if (now - record.lastSeenAt >= this.policy.renewIntervalMs) {
      const idle = record.remember ? this.policy.rememberIdleMs : this.policy.idleMs;
      const idleExpiresAt = Math.min(now + idle, record.absoluteExpiresAt);
      await this.store.touchSession(record.idHash, now, idleExpiresAt);
      const renewed = { ...record, lastSeenAt: now, idleExpiresAt };
      this.cache?.set(renewed, now);
      return renewed;
    }
    if (cached === undefined) this.cache?.set(record, now);
    return record;
  }

  async destroy(idHash: string): Promise<boolean> {
    const deleted = await this.store.deleteSession(idHash);
    await this.cache?.invalidate({ kind: 'session', idHash });
    return deleted;
  }

  async destroyAllOf(userId: string, exceptIdHash?: string): Promise<number> {
    const deleted = await this.store.deleteUserSessions(userId, exceptIdHash);
    // The kept session is evicted too; it is simply read again on its next request.
    await this.cache?.invalidate({ kind: 'user', userId });
    return deleted;
  }
}
