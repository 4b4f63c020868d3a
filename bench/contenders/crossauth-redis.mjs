// crossauth through the node adapter on Redis (REDIS_URL, default 127.0.0.1:6379), as `crossauth serve
// --store redis://…` configures its client: no offline queue, every command bounded.
import { randomUUID } from 'node:crypto';
import { prepareCrossauth, startCrossauth } from '../lib/crossauth.mjs';

export default {
  label: 'crossauth node:http + Redis',
  kind: 'crossauth',
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { Redis } = await import('ioredis');
    const { redisStore } = await import('@crossauth/server/stores/redis');
    const { memoryNotes } = await import('../../packages/cli/dist/serve/notes.js');
    const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableOfflineQueue: false, commandTimeout: 1000, lazyConnect: true });
    await client.connect();
    // A prefix of its own, so a bench run never meets another run's keys.
    return startCrossauth({ origin, store: redisStore({ client, prefix: `crossauth-bench:${randomUUID()}:` }), notes: memoryNotes() });
  },
  prepare: prepareCrossauth,
};
