import type { UserAnswer } from '@crossauth/protocol';
import type { AuthCore } from '../auth/core.js';
import type { RequestState } from '../auth/request-state.js';
import { booleanField, HttpError, jsonVerdict, readJsonObject, stringField } from '../http/index.js';
import { normalizeEmail } from '../passwords/index.js';
import type { UserRecord } from '../store/index.js';
import type { RouteHandler } from './types.js';

const INVALID = 'The email or password is not right.';

/**
 * Checks an email and password under the login throttle; shared by cookie login and (later) bearer
 * login. Unknown and malformed emails go through the same dummy hash and the same counters as wrong
 * passwords, so the answer never tells whether an account exists (L1, L2).
 */
export async function verifyCredentials(core: AuthCore, state: RequestState, rawEmail: string, password: string): Promise<UserRecord> {
  const email = normalizeEmail(rawEmail) ?? rawEmail.trim().toLowerCase().slice(0, 320);
  const address = core.clientAddress(state.view);
  const decision = await core.throttle.beginLogin(email, address, state.now);
  if (!decision.allowed) {
    throw new HttpError('rate_limited', 'Too many failed logins; try again later.', { 'Retry-After': String(decision.retryAfterSeconds) });
  }
  const user = await core.store.getUserByEmail(email);
  const result = await core.passwords.verify(user?.passwordHash ?? null, password.normalize('NFC'));
  if (user === null || !result.valid) {
    await core.throttle.recordLoginFailure(email, address, state.now);
    throw new HttpError('invalid_credentials', INVALID);
  }
  await core.throttle.recordLoginSuccess(email, address);
  if (result.needsRehash) await core.store.updatePasswordHash(user.id, await core.passwords.hash(password.normalize('NFC')));
  return user;
}

/** `POST /auth/login`: a new session id and a new CSRF token on success; 401 `invalid_credentials` otherwise. */
export const loginRoute: RouteHandler = async ({ core, state, readBody }) => {
  const body = await readJsonObject(state.view, readBody);
  const email = stringField(body, 'email');
  const password = stringField(body, 'password');
  const remember = booleanField(body, 'remember');
  const user = await verifyCredentials(core, state, email, password);
  const handout = await core.startSession(state, user.id, remember);
  const answer: UserAnswer = { user: { id: user.id, email: user.email } };
  return jsonVerdict(200, answer, handout.headers, handout.cookies);
};
