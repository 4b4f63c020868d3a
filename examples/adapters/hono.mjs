// Hono 4 behind crossauth, served by @hono/node-server. Run: npm run build && node examples/adapters/hono.mjs
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { createAuth, requireAbility } from '@crossauth/server';
import { crossauth } from '@crossauth/server/hono';
import { sqliteStore } from '@crossauth/server/stores/sqlite';

const auth = createAuth({
  origins: ['http://localhost:5173', 'capacitor'],
  store: sqliteStore({ filename: process.env.DATABASE_FILE ?? './.crossauth/hono-example.db' }),
  secret: process.env.CROSSAUTH_SECRET ?? 'development-only-secret-change-me-0123456789',
});

const app = new Hono();
// The client address drives login throttling: take it from the connection.
app.use(crossauth(auth, { getClientAddress: (c) => getConnInfo(c).remote.address ?? '' }));

app.get('/api/hello', (c) => {
  const principal = requireAbility(c.get('crossauth').principal, 'hello:read');
  return c.json({ hello: principal.userId });
});

app.onError((error, c) => {
  const verdict = auth.errorAnswer(error, c.get('crossauth')?.headers ?? {});
  return new Response(verdict.body, { status: verdict.status, headers: verdict.headers });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://localhost:${info.port}`);
});
