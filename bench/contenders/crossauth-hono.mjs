// crossauth through its Hono adapter on @hono/node-server, compared with Hono's own bare route (target ≥ 0.85×).
import { APP_ORIGIN, BENCH_SECRET } from '../lib/constants.mjs';
import { prepareCrossauth } from '../lib/crossauth.mjs';
import { serveHono } from './hono-bare.mjs';

export default {
  label: 'crossauth Hono adapter (memory store)',
  kind: 'crossauth-adapter',
  baseline: 'hono-bare',
  cases: ['preflight', 'me', 'echo'],
  async start() {
    const { Hono } = await import('hono');
    const { getConnInfo } = await import('@hono/node-server/conninfo');
    const { createAuth, requireAbility } = await import('@crossauth/server');
    const { crossauth } = await import('@crossauth/server/hono');
    const { memoryStore } = await import('@crossauth/server/stores/memory');
    const auth = createAuth({ origins: [APP_ORIGIN], store: memoryStore(), secret: BENCH_SECRET });
    const app = new Hono();
    app.use(crossauth(auth, { getClientAddress: (c) => getConnInfo(c).remote.address ?? '' }));
    app.post('/echo', async (c) => {
      requireAbility(c.get('crossauth').principal, 'echo');
      return c.json(await c.req.json());
    });
    return serveHono(app.fetch);
  },
  prepare: prepareCrossauth,
};
