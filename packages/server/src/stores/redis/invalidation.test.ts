import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { InvalidationEvent } from '../../session/index.js';
import { redisReachable } from '../../../test/support/faults.js';
import { redisInvalidation } from './invalidation.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const up = await redisReachable(REDIS_URL);
if (!up && process.env.CI === 'true') throw new Error(`Redis at ${REDIS_URL} is unreachable; CI=true requires it.`);
if (!up) console.warn(`skipping the Redis invalidation tests: Redis at ${REDIS_URL} is unreachable`);

describe.skipIf(!up)('logouts spread over Redis pub/sub', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const client = new Redis(REDIS_URL);
    connections.push(client);
    return client;
  };
  afterAll(() => connections.forEach((client) => client.disconnect()));

  /** Resolves with the next event a listener hears, or rejects after `ms`. */
  const next = (subscribe: (listener: (event: InvalidationEvent) => void) => () => void, ms = 2000) =>
    new Promise<InvalidationEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no invalidation arrived')), ms);
      const stop = subscribe((event) => {
        clearTimeout(timer);
        stop();
        resolve(event);
      });
    });

  it('delivers a logout published by one instance to every other instance', async () => {
    const channel = `crossauth-test:${randomUUID()}`;
    const publisherSide = redisInvalidation({ publisher: connect(), subscriber: connect(), channel });
    const otherSide = redisInvalidation({ publisher: connect(), subscriber: connect(), channel });
    // SUBSCRIBE is asynchronous: wait until the other side's subscription is in place.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const heard = next((listener) => otherSide.subscribe(listener));
    await publisherSide.publish({ kind: 'user', userId: 'u-42' });
    expect(await heard).toEqual({ kind: 'user', userId: 'u-42' });
  });

  it('ignores messages on the channel that are not crossauth events', async () => {
    const channel = `crossauth-test:${randomUUID()}`;
    const publisher = connect();
    const side = redisInvalidation({ publisher, subscriber: connect(), channel });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const heard = next((listener) => side.subscribe(listener));
    await publisher.publish(channel, 'not json');
    await publisher.publish(channel, JSON.stringify({ kind: 'session', idHash: 42 }));
    await side.publish({ kind: 'session', idHash: 'abc' });
    expect(await heard).toEqual({ kind: 'session', idHash: 'abc' });
  });
});
