import { booleanField, emptyVerdict, readJsonObject } from '../http/index.js';
import type { RouteHandler } from './types.js';

/**
 * `POST /auth/logout` (`{"everywhere"?}`): destroys the session server-side — with `everywhere`, every
 * session and token of the user — clears the cookie and hands out a new CSRF token. Idempotent: without
 * a session it still clears the cookie and answers 204.
 */
export const logoutRoute: RouteHandler = async ({ core, state, readBody }) => {
  const body = await readJsonObject(state.view, readBody, true);
  const everywhere = booleanField(body, 'everywhere');
  const principal = state.principal;
  if (principal !== null && everywhere) {
    await core.sessions.destroyAllOf(principal.userId);
    await core.store.deleteUserTokens(principal.userId);
  } else if (principal?.kind === 'session') {
    await core.sessions.destroy(principal.session.idHash);
  } else if (principal?.kind === 'token') {
    if (principal.familyId !== null) await core.store.deleteRefreshFamily(principal.familyId);
    await core.store.deleteToken(principal.tokenId, principal.userId);
  }
  if (principal?.kind === 'token') return emptyVerdict(204);
  state.principal = null;
  const handout = core.endSessionInBrowser(state);
  return emptyVerdict(204, handout.headers, handout.cookies);
};
