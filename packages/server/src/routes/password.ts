import { emptyVerdict, HttpError, readJsonObject, stringField } from '../http/index.js';
import { normalizePassword } from '../passwords/index.js';
import { verifyCredentials } from './login.js';
import type { RouteHandler } from './types.js';

/**
 * `POST /auth/password`: needs the current password; then a new session id for this browser, and every
 * other session and every bearer token of the user revoked (S9).
 */
export const passwordRoute: RouteHandler = async ({ core, state, readBody }) => {
  const principal = state.principal;
  if (principal?.kind !== 'session') throw new HttpError('unauthenticated', 'Sign in to change your password.');
  const body = await readJsonObject(state.view, readBody);
  const currentPassword = stringField(body, 'currentPassword');
  const newPassword = normalizePassword(stringField(body, 'newPassword'));
  const user = await core.store.getUserById(principal.userId);
  if (user === null) throw new HttpError('unauthenticated', 'Sign in to change your password.');
  await verifyCredentials(core, state, user.email, currentPassword);
  if (!newPassword.ok) throw new HttpError('weak_password', newPassword.message);

  await core.store.updatePasswordHash(user.id, await core.passwords.hash(newPassword.password));
  await core.sessions.destroyAllOf(user.id, principal.session.idHash);
  await core.store.deleteUserTokens(user.id);
  const handout = await core.startSession(state, user.id, principal.session.remember);
  return emptyVerdict(204, handout.headers, handout.cookies);
};
