// Express 5 with cors and its JSON parser and no auth: the baseline of the crossauth Express adapter.
// Runs only when an available contender names it as its baseline.
import { listen } from '../lib/node-server.mjs';

const USER = { id: 'u1', email: 'bench@example.com' };

export default {
  label: 'express 5 + cors, no auth',
  kind: 'framework-bare',
  baseline: 'bare',
  onlyAsBaseline: true,
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { default: express } = await import('express');
    const { default: cors } = await import('cors');
    const app = express();
    app.use(cors({ origin: [origin], credentials: true }));
    app.get('/auth/me', (req, res) => res.set('Cache-Control', 'no-store').json({ user: USER }));
    app.post('/echo', express.json(), (req, res) => res.json(req.body));
    return listen(app.listen(0, '127.0.0.1'));
  },
  async prepare() {
    return { cookie: 'sid=no-sessions', csrfToken: 'no-token' };
  },
};
