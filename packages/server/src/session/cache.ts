import type { SessionRecord } from '../store/index.js';

/** A logout that other instances must hear about at once: one session, or every session of a user. */
export type InvalidationEvent = { kind: 'session'; idHash: string } | { kind: 'user'; userId: string };

/** How instances tell each other about logouts (for example `redisInvalidation` over Redis pub/sub). */
export interface InvalidationChannel {
  publish(event: InvalidationEvent): Promise<void> | void;
  /** Returns a function that stops listening. */
  subscribe(listener: (event: InvalidationEvent) => void): () => void;
}

export interface SessionCacheOptions {
  /**
   * How long a validated session may be answered from this process's memory without asking the store,
   * in seconds. It is also the longest a logout made on another instance can go unseen here when no
   * `invalidation` channel is given. Required; at most 300.
   */
  ttlSeconds: number;
  /** The most sessions kept; the oldest is dropped beyond it. Default 10000. */
  maxEntries?: number;
  /** Spreads logouts to every instance at once, closing the window above for them. */
  invalidation?: InvalidationChannel;
}

interface Entry {
  record: SessionRecord;
  cachedAt: number;
}

/**
 * An optional, bounded, in-process cache of validated sessions (DESIGN.md: off by default). Entries live
 * `ttlSeconds` at most; local logouts evict at once, and with an invalidation channel so do logouts on
 * other instances.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SessionCacheOptions) {
    this.ttlMs = options.ttlSeconds * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.unsubscribe = options.invalidation?.subscribe((event) => this.evict(event));
  }

  get(idHash: string, now: number): SessionRecord | undefined {
    const entry = this.entries.get(idHash);
    if (entry === undefined) return undefined;
    if (now - entry.cachedAt >= this.ttlMs) {
      this.entries.delete(idHash);
      return undefined;
    }
    return entry.record;
  }

  /** Keeps a record read from the store (or renewed), counting its age from `cachedAt`. */
  set(record: SessionRecord, cachedAt: number): void {
    this.entries.delete(record.idHash);
    this.entries.set(record.idHash, { record, cachedAt });
    if (this.entries.size > this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Drops what a logout ended, here and, through the channel, on every other instance. */
  async invalidate(event: InvalidationEvent): Promise<void> {
    this.evict(event);
    try {
      await this.options.invalidation?.publish(event);
    } catch (error) {
      // The logout itself is done (the store no longer has the session); other instances' caches drop
      // it within the TTL at the latest. A failed broadcast must not turn the logout into an error.
      console.warn('crossauth: could not broadcast a logout to the other instances', error);
    }
  }

  private evict(event: InvalidationEvent): void {
    if (event.kind === 'session') {
      this.entries.delete(event.idHash);
      return;
    }
    for (const [idHash, entry] of this.entries) {
      if (entry.record.userId === event.userId) this.entries.delete(idHash);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.unsubscribe?.();
  }
}
