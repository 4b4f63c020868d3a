// Fastify 5 with @fastify/cors and no auth: the baseline of the crossauth Fastify adapter.
// Runs only when an available contender names it as its baseline.
const USER = { id: 'u1', email: 'bench@example.com' };

export default {
  label: 'fastify 5 + @fastify/cors, no auth',
  kind: 'framework-bare',
  baseline: 'bare',
  onlyAsBaseline: true,
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { default: Fastify } = await import('fastify');
    const { default: fastifyCors } = await import('@fastify/cors');
    const app = Fastify({ logger: false });
    await app.register(fastifyCors, { origin: [origin], credentials: true });
    app.get('/auth/me', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { user: USER };
    });
    app.post('/echo', async (request) => request.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server.address().port;
  },
  async prepare() {
    return { cookie: 'sid=no-sessions', csrfToken: 'no-token' };
  },
};
