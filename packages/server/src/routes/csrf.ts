import type { CsrfAnswer } from '@crossauth/protocol';
import { jsonVerdict } from '../http/index.js';
import type { RouteHandler } from './types.js';

/**
 * `GET /auth/csrf`: a token bound to the session or the pre-session secret, in JSON and in
 * `X-CSRF-Token`. `cookies` tells whether this request carried the API's cookies, so a client that
 * calls twice learns whether the browser keeps them (Safari, iOS web views) before sending a password.
 */
export const csrfRoute: RouteHandler = async ({ core, state }) => {
  const cookies: string[] = [];
  let binding = state.csrfBinding;
  const carried = binding !== null;
  if (binding === null) {
    const pre = core.newPreSession(state.mode);
    cookies.push(pre.cookie);
    binding = { kind: 'pre', secret: pre.secret };
  }
  const csrf = core.handOutCsrf(state, binding);
  const body: CsrfAnswer = { csrfToken: csrf.token, cookies: carried };
  return jsonVerdict(200, body, csrf.headers, [...cookies, ...csrf.cookies]);
};
