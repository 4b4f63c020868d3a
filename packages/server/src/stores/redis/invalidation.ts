import type { Redis } from 'ioredis';
import type { InvalidationChannel, InvalidationEvent } from '../../session/index.js';

export interface RedisInvalidationOptions {
  /** Any connection; `PUBLISH` goes through it (the store's own client is fine). */
  publisher: Redis;
  /** A connection of its own, e.g. `publisher.duplicate()`: a subscribed Redis connection can do nothing else. */
  subscriber: Redis;
  /** The pub/sub channel every instance listens on. Default `crossauth:invalidate`. */
  channel?: string;
  /** Told when the subscription fails (the cache then relies on its TTL alone). Default `console.warn`. */
  onError?: (error: unknown) => void;
}

function parseEvent(message: string): InvalidationEvent | null {
  try {
    const event = JSON.parse(message) as Partial<{ kind: string; idHash: unknown; userId: unknown }>;
    if (event.kind === 'session' && typeof event.idHash === 'string') return { kind: 'session', idHash: event.idHash };
    if (event.kind === 'user' && typeof event.userId === 'string') return { kind: 'user', userId: event.userId };
  } catch {
    // Not one of ours: ignored.
  }
  return null;
}

/**
 * Logouts spread over Redis pub/sub, for `createAuth({ sessionCache: { ttlSeconds, invalidation } })`
 * on several instances: a logout on one evicts the session from every instance's cache at once.
 * Delivery is best effort (pub/sub keeps nothing for a disconnected subscriber), which is why the
 * cache's TTL stays the upper bound.
 */
export function redisInvalidation(options: RedisInvalidationOptions): InvalidationChannel {
  const channel = options.channel ?? 'crossauth:invalidate';
  const onError = options.onError ?? ((error: unknown) => console.warn('crossauth: session invalidation subscription failed', error));
  const listeners = new Set<(event: InvalidationEvent) => void>();
  options.subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const event = parseEvent(message);
    if (event !== null) for (const listener of listeners) listener(event);
  });
  options.subscriber.subscribe(channel).catch(onError);
  return {
    async publish(event) {
      await options.publisher.publish(channel, JSON.stringify(event));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
