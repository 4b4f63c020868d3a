import { ROUTES } from '@crossauth/protocol';
import { csrfRoute } from './csrf.js';
import { loginRoute } from './login.js';
import { logoutRoute } from './logout.js';
import { meRoute } from './me.js';
import { passwordRoute } from './password.js';
import { signupRoute } from './signup.js';
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
]);

/** Cookie auth routes: every unsafe request to them needs a trusted origin and a CSRF token, cookie or not. */
export const COOKIE_AUTH_PATHS: ReadonlySet<string> = new Set([ROUTES.signup, ROUTES.login, ROUTES.logout, ROUTES.password]);
