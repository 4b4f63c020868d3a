// better-auth with its SQLite database (better-sqlite3, tables created by its own `getMigrations`), mounted
// on Express 5 + cors as its Express integration guide shows; app routes call `auth.api.getSession`.
// better-auth's CSRF defence is an Origin check against `trustedOrigins` on its own routes; the /echo app
// route applies the same check by hand (better-auth offers nothing for app routes).
import { join } from 'node:path';
import { APP_ORIGIN, BENCH_SECRET, USER } from '../lib/constants.mjs';
import { listen } from '../lib/node-server.mjs';

export default {
  label: 'better-auth (SQLite, getSession) on express 5 + cors',
  kind: 'peer',
  /** better-auth has no CSRF token: the protection check only expects a foreign Origin to be refused. */
  checksCsrfToken: false,
  cases: ['preflight', 'me', 'echo', 'login'],
  async start({ origin, dataDir }) {
    const { default: express } = await import('express');
    const { default: cors } = await import('cors');
    const { default: Database } = await import('better-sqlite3');
    const { betterAuth } = await import('better-auth');
    const { getMigrations } = await import('better-auth/db/migration');
    const { toNodeHandler, fromNodeHeaders } = await import('better-auth/node');

    const db = new Database(join(dataDir, 'better-auth.db'));
    db.pragma('journal_mode = WAL');
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    const port = await listen(server);
    const options = {
      database: db,
      secret: BENCH_SECRET,
      baseURL: `http://127.0.0.1:${port}`,
      trustedOrigins: [origin],
      emailAndPassword: { enabled: true },
      // Its limiter would answer 429 to a load test; crossauth's throttle counts only failures.
      rateLimit: { enabled: false },
      telemetry: { enabled: false },
      logger: { disabled: true },
    };
    const { runMigrations } = await getMigrations(options);
    await runMigrations();
    const auth = betterAuth(options);

    app.use(cors({ origin: [origin], credentials: true }));
    app.all('/api/auth/*splat', toNodeHandler(auth));
    app.use(express.json());
    app.get('/auth/me', async (req, res) => {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
      if (session === null) return res.status(401).json({ error: 'unauthenticated' });
      res.set('Cache-Control', 'no-store').json({ user: { id: session.user.id, email: session.user.email } });
    });
    app.post('/echo', async (req, res) => {
      if (req.headers.origin !== origin) return res.status(403).json({ error: 'origin_not_allowed' });
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
      if (session === null) return res.status(401).json({ error: 'unauthenticated' });
      res.json(req.body);
    });
    return port;
  },
  async prepare(client) {
    await client.request('POST', '/api/auth/sign-up/email', { body: { email: USER.email, password: USER.password, name: USER.name }, expect: 200 });
    return { cookie: client.cookieHeader, csrfToken: 'better-auth-checks-origin' };
  },
  loginRequest() {
    return {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: { Origin: APP_ORIGIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: USER.email, password: USER.password }),
    };
  },
};
