// Fastify 5 behind crossauth. Run: npm run build && node examples/adapters/fastify.mjs
import Fastify from 'fastify';
import { createAuth, requireAbility } from '@crossauth/server';
import { registerCrossauth } from '@crossauth/server/fastify';
import { sqliteStore } from '@crossauth/server/stores/sqlite';

const auth = createAuth({
  origins: ['http://localhost:5173', 'capacitor'],
  store: sqliteStore({ filename: process.env.DATABASE_FILE ?? './.crossauth/fastify-example.db' }),
  secret: process.env.CROSSAUTH_SECRET ?? 'development-only-secret-change-me-0123456789',
});

const app = Fastify();
registerCrossauth(app, auth); // on the root instance, so the hook covers every route

app.get('/api/hello', async (request) => {
  const principal = requireAbility(request.crossauth.principal, 'hello:read');
  return { hello: principal.userId };
});

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${address.replace('127.0.0.1', 'localhost')}`);
