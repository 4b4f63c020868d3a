import type { UserAnswer } from '@crossauth/protocol';
import { HttpError, jsonVerdict } from '../http/index.js';
import type { RouteHandler } from './types.js';

/** `GET /auth/me`: the signed-in user, or 401. */
export const meRoute: RouteHandler = async ({ core, state }) => {
  const principal = state.principal;
  const user = principal === null ? null : await core.store.getUserById(principal.userId);
  if (user === null) throw new HttpError('unauthenticated', 'Not signed in.');
  const body: UserAnswer = { user: { id: user.id, email: user.email } };
  return jsonVerdict(200, body);
};
