// crossauth through its Fastify adapter, compared with fastify's own bare route (target ≥ 0.85×).
import { APP_ORIGIN, BENCH_SECRET } from '../lib/constants.mjs';
import { prepareCrossauth } from '../lib/crossauth.mjs';

export default {
  label: 'crossauth fastify adapter (memory store)',
  kind: 'crossauth-adapter',
  baseline: 'fastify-bare',
  cases: ['preflight', 'me', 'echo'],
  async start() {
    const { default: Fastify } = await import('fastify');
    const { createAuth, requireAbility } = await import('@crossauth/server');
    const { registerCrossauth } = await import('@crossauth/server/fastify');
    const { memoryStore } = await import('@crossauth/server/stores/memory');
    const auth = createAuth({ origins: [APP_ORIGIN], store: memoryStore(), secret: BENCH_SECRET });
    const app = Fastify({ logger: false });
    registerCrossauth(app, auth);
    app.post('/echo', async (request) => {
      requireAbility(request.crossauth.principal, 'echo');
      return request.body;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server.address().port;
  },
  prepare: prepareCrossauth,
};
