// crossauth through its Express adapter, compared with express's own bare route (target ≥ 0.85×).
import { APP_ORIGIN, BENCH_SECRET } from '../lib/constants.mjs';
import { listen } from '../lib/node-server.mjs';
import { prepareCrossauth } from '../lib/crossauth.mjs';

export default {
  label: 'crossauth express adapter (memory store)',
  kind: 'crossauth-adapter',
  baseline: 'express-bare',
  cases: ['preflight', 'me', 'echo'],
  async start() {
    const { default: express } = await import('express');
    const { createAuth, requireAbility } = await import('@crossauth/server');
    const { contextOf, crossauth, crossauthErrors } = await import('@crossauth/server/express');
    const { memoryStore } = await import('@crossauth/server/stores/memory');
    const auth = createAuth({ origins: [APP_ORIGIN], store: memoryStore(), secret: BENCH_SECRET });
    const app = express();
    app.use(crossauth(auth));
    app.post('/echo', express.json(), (req, res) => {
      requireAbility(contextOf(res).principal, 'echo');
      res.json(req.body);
    });
    app.use(crossauthErrors(auth));
    return listen(app.listen(0, '127.0.0.1'));
  },
  prepare: prepareCrossauth,
};
