import { ROUTES } from '@crossauth/protocol';
import { csrfRoute } from './csrf.js';
import { loginRoute } from './login.js';
import { logoutRoute } from './logout.js';
import { meRoute } from './me.js';
import { passwordRoute } from './password.js';
import { signupRoute } from './signup.js';
import { deviceLoginRoute, deviceSignupRoute, refreshRoute } from './token.js';
import { createTokenRoute, deleteTokenRoute, listTokensRoute } from './tokens.js';
import type { RouteHandler } from './types.js';

export type { RouteContext, RouteHandler } from './types.js';
export { verifyCredentials } from './login.js';

/** The auth routes by exact path, then method. Paths are matched as sent: `//auth/login` is not `/auth/login` (X13). */
export const AUTH_ROUTES: ReadonlyMap<string, Readonly<Record<string, RouteHandler>>> = new Map<string, Readonly<Record<string, RouteHandler>>>([
  [ROUTES.csrf, { GET: csrfRoute }],
  [ROUTES.signup, { POST: signupRoute }],
  [ROUTES.login, { POST: loginRoute }],
  [ROUTES.logout, { POST: logoutRoute }],
  [ROUTES.password, { POST: passwordRoute }],
  [ROUTES.me, { GET: meRoute }],
  [ROUTES.token, { POST: deviceLoginRoute }],
  [ROUTES.tokenRefresh, { POST: refreshRoute }],
  [ROUTES.tokenSignup, { POST: deviceSignupRoute }],
  [ROUTES.tokens, { GET: listTokensRoute, POST: createTokenRoute }],
]);

const TOKEN_ITEM_PREFIX = `${ROUTES.tokens}/`;
const TOKEN_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The handlers for a path: an exact auth route, or `/auth/tokens/:id`; `undefined` for the application's paths. */
export function matchRoute(path: string): Readonly<Record<string, RouteHandler>> | undefined {
  const exact = AUTH_ROUTES.get(path);
  if (exact !== undefined || !path.startsWith(TOKEN_ITEM_PREFIX)) return exact;
  const id = path.slice(TOKEN_ITEM_PREFIX.length);
  return TOKEN_ID.test(id) ? { DELETE: deleteTokenRoute(id) } : undefined;
}

/** Bearer login routes: they take credentials in the body and set no cookie, so they need no Origin or CSRF token. */
export const TOKEN_PATHS: ReadonlySet<string> = new Set([ROUTES.token, ROUTES.tokenRefresh, ROUTES.tokenSignup]);

/** Cookie auth routes: every unsafe request to them needs a trusted origin and a CSRF token, cookie or not. */
export const COOKIE_AUTH_PATHS: ReadonlySet<string> = new Set([ROUTES.signup, ROUTES.login, ROUTES.logout, ROUTES.password]);
