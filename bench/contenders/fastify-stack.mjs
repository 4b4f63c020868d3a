// The Fastify stack people assemble today: fastify 5 + @fastify/cors + @fastify/cookie + @fastify/session
// (its in-memory store, the default) + @fastify/csrf-protection with the session plugin, per their READMEs.
// Login here is a plain session write without a password hash, so the login case does not run.
import { BENCH_SECRET, USER } from '../lib/constants.mjs';

const BENCH_USER = { id: 'u1', email: USER.email };

export default {
  label: 'fastify 5 + @fastify/cors + @fastify/session + @fastify/csrf-protection',
  kind: 'peer',
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { default: Fastify } = await import('fastify');
    const { default: fastifyCors } = await import('@fastify/cors');
    const { default: fastifyCookie } = await import('@fastify/cookie');
    const { default: fastifySession } = await import('@fastify/session');
    const { default: fastifyCsrf } = await import('@fastify/csrf-protection');
    const app = Fastify({ logger: false });
    await app.register(fastifyCors, { origin: [origin], credentials: true });
    await app.register(fastifyCookie);
    // Plain http on loopback: the session cookie cannot be Secure.
    await app.register(fastifySession, { secret: BENCH_SECRET, saveUninitialized: false, cookie: { secure: false, httpOnly: true, sameSite: 'lax' } });
    await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
    app.post('/auth/login', async (request, reply) => {
      await request.session.regenerate();
      request.session.set('user', BENCH_USER);
      return { user: BENCH_USER, csrfToken: reply.generateCsrf() };
    });
    app.get('/auth/me', async (request, reply) => {
      const user = request.session.get('user');
      if (user === undefined) return reply.code(401).send({ error: 'unauthenticated' });
      reply.header('cache-control', 'no-store');
      return { user };
    });
    app.post('/echo', { onRequest: app.csrfProtection }, async (request, reply) => {
      if (request.session.get('user') === undefined) return reply.code(401).send({ error: 'unauthenticated' });
      return request.body;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server.address().port;
  },
  async prepare(client) {
    const login = await client.request('POST', '/auth/login', { body: { email: USER.email, password: USER.password }, expect: 200 });
    return { cookie: client.cookieHeader, csrfToken: login.json.csrfToken };
  },
};
