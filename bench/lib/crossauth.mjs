// crossauth contenders: createAuth + the node adapter, configured as `crossauth serve` configures it, plus
// the reference server's /api/notes route and an /echo route that does the bare server's POST work.
import { createServer } from 'node:http';
import { createAuth, HttpError, jsonVerdict, readJsonObject } from '@crossauth/server';
import { createNodeHandler, nodeRequestView, writeVerdict } from '@crossauth/server/node';
import { notesApp } from '../../packages/cli/dist/serve/notes-routes.js';
import { Client } from './client.mjs';
import { APP_ORIGIN, BENCH_SECRET, USER } from './constants.mjs';
import { listen } from './node-server.mjs';

/**
 * Starts a crossauth server on `store`, with the production defaults (argon2id at OWASP cost, CSRF,
 * throttling) and `origin` as the one allowed SPA origin. Resolves to the port.
 */
export async function startCrossauth({ origin, store, notes }) {
  const auth = createAuth({ origins: [origin], store, secret: BENCH_SECRET });
  const notesRoute = notesApp(notes);
  const app = async (req, res, context, readBody) => {
    if (req.url !== '/echo') return notesRoute(req, res, context, readBody);
    if (context.principal === null) throw new HttpError('unauthenticated', 'Sign in first.');
    const body = await readJsonObject(nodeRequestView(req), readBody);
    writeVerdict(req, res, jsonVerdict(200, body, context.headers));
  };
  const server = createServer(createNodeHandler(auth, app));
  return listen(server);
}

/**
 * Signs the bench user up through the HTTP API: the session cookie plus its CSRF token for the load, and
 * a separate pre-session cookie plus token for the login case.
 */
export async function prepareCrossauth(client) {
  const csrf = await client.request('GET', '/auth/csrf', { expect: 200 });
  const signup = await client.request('POST', '/auth/signup', {
    body: { email: USER.email, password: USER.password },
    headers: { 'X-CSRF-Token': csrf.json.csrfToken },
    expect: 201,
  });
  const csrfToken = signup.headers.get('x-csrf-token');
  const anonymous = new Client(client.baseUrl);
  const pre = await anonymous.request('GET', '/auth/csrf', { expect: 200 });
  return { cookie: client.cookieHeader, csrfToken, loginCookie: anonymous.cookieHeader, loginCsrfToken: pre.json.csrfToken };
}

export function crossauthLoginRequest(credentials) {
  return {
    method: 'POST',
    path: '/auth/login',
    headers: { Origin: APP_ORIGIN, Cookie: credentials.loginCookie, 'X-CSRF-Token': credentials.loginCsrfToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: USER.email, password: USER.password }),
  };
}
