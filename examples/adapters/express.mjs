// Express 5 behind crossauth. Run: npm run build && node examples/adapters/express.mjs
import express from 'express';
import { createAuth, requireAbility } from '@crossauth/server';
import { contextOf, crossauth, crossauthErrors } from '@crossauth/server/express';
import { sqliteStore } from '@crossauth/server/stores/sqlite';

const auth = createAuth({
  origins: ['http://localhost:5173', 'capacitor'],
  store: sqliteStore({ filename: process.env.DATABASE_FILE ?? './.crossauth/express-example.db' }),
  secret: process.env.CROSSAUTH_SECRET ?? 'development-only-secret-change-me-0123456789',
});

const app = express();
app.use(crossauth(auth)); // before any body parser: crossauth reads the bodies of /auth/* itself
app.use(express.json());

app.get('/api/hello', (_req, res) => {
  const principal = requireAbility(contextOf(res).principal, 'hello:read');
  res.json({ hello: principal.userId });
});

app.use(crossauthErrors(auth)); // HttpError / requireAbility → {"error":{"code","message"}}

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
