// Hono 4 on @hono/node-server with hono/cors and no auth: the baseline of the crossauth Hono adapter.
// Runs only when an available contender names it as its baseline.
const USER = { id: 'u1', email: 'bench@example.com' };

/** Serves a fetch handler with @hono/node-server on a free loopback port; resolves to the port. */
export async function serveHono(fetch) {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
}

export default {
  label: 'hono 4 + hono/cors, no auth',
  kind: 'framework-bare',
  baseline: 'bare',
  onlyAsBaseline: true,
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { Hono } = await import('hono');
    const { cors } = await import('hono/cors');
    const app = new Hono();
    app.use(cors({ origin: [origin], credentials: true }));
    app.get('/auth/me', (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json({ user: USER });
    });
    app.post('/echo', async (c) => c.json(await c.req.json()));
    return serveHono(app.fetch);
  },
  async prepare() {
    return { cookie: 'sid=no-sessions', csrfToken: 'no-token' };
  },
};
