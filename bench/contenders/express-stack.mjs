// The Express stack people assemble today: express 5 + cors + express-session (its MemoryStore, the
// default) + csrf-csrf (double submit, bound to the session id) + cookie-parser, as their READMEs show.
// Login here is a plain session write without a password hash, so the login case does not run.
import { BENCH_SECRET, USER } from '../lib/constants.mjs';
import { listen } from '../lib/node-server.mjs';

const BENCH_USER = { id: 'u1', email: USER.email };

export default {
  label: 'express 5 + cors + express-session + csrf-csrf',
  kind: 'peer',
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { default: express } = await import('express');
    const { default: cors } = await import('cors');
    const { default: session } = await import('express-session');
    const { default: cookieParser } = await import('cookie-parser');
    const { doubleCsrf } = await import('csrf-csrf');
    const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
      getSecret: () => BENCH_SECRET,
      getSessionIdentifier: (req) => req.session.id,
      // Plain http on loopback: no __Host- prefix, no Secure (both need https).
      cookieName: 'x-csrf-token',
      cookieOptions: { sameSite: 'lax', secure: false },
      getCsrfTokenFromRequest: (req) => req.headers['x-csrf-token'],
    });
    const app = express();
    app.use(cors({ origin: [origin], credentials: true }));
    // express-session before cookie-parser, as csrf-csrf's README asks.
    app.use(session({ secret: BENCH_SECRET, resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax', secure: false } }));
    app.use(cookieParser());
    app.post('/auth/login', express.json(), (req, res, next) => {
      req.session.regenerate((error) => {
        if (error) return next(error);
        req.session.user = BENCH_USER;
        res.json({ user: BENCH_USER, csrfToken: generateCsrfToken(req, res, { overwrite: true }) });
      });
    });
    app.use(doubleCsrfProtection);
    app.get('/auth/me', (req, res) => {
      if (req.session.user === undefined) return res.status(401).json({ error: 'unauthenticated' });
      res.set('Cache-Control', 'no-store').json({ user: req.session.user });
    });
    app.post('/echo', express.json(), (req, res) => {
      if (req.session.user === undefined) return res.status(401).json({ error: 'unauthenticated' });
      res.json(req.body);
    });
    return listen(app.listen(0, '127.0.0.1'));
  },
  async prepare(client) {
    const login = await client.request('POST', '/auth/login', { body: { email: USER.email, password: USER.password }, expect: 200 });
    return { cookie: client.cookieHeader, csrfToken: login.json.csrfToken };
  },
};
