import { randomUUID } from 'node:crypto';
import type { UserAnswer } from '@crossauth/protocol';
import { booleanField, HttpError, jsonVerdict, readJsonObject, stringField } from '../http/index.js';
import { normalizeEmail, normalizePassword } from '../passwords/index.js';
import type { AuthCore } from '../auth/core.js';
import type { RequestState } from '../auth/request-state.js';
import type { UserRecord } from '../store/index.js';
import type { RouteHandler } from './types.js';

/**
 * Creates an account under the signup throttle (10 per client address per hour by default), after
 * validating the email (400) and the password (422 `weak_password`); 409 `email_taken` for a known email.
 */
export async function createAccount(core: AuthCore, state: RequestState, rawEmail: string, rawPassword: string): Promise<UserRecord> {
  const decision = await core.throttle.checkSignup(core.clientAddress(state.view), state.now);
  if (!decision.allowed) {
    throw new HttpError('rate_limited', 'Too many signups from this address; try again later.', { 'Retry-After': String(decision.retryAfterSeconds) });
  }
  const email = normalizeEmail(rawEmail);
  if (email === null) throw new HttpError('bad_request', '"email" is not a valid email address.');
  const password = normalizePassword(rawPassword);
  if (!password.ok) throw new HttpError('weak_password', password.message);

  const user = { id: randomUUID(), email, passwordHash: await core.passwords.hash(password.password), createdAt: state.now };
  if (!(await core.store.createUser(user))) throw new HttpError('email_taken', 'An account with this email already exists; log in instead.');
  return user;
}

/** `POST /auth/signup`: creates the account and signs it in (201), or 409 `email_taken`. */
export const signupRoute: RouteHandler = async ({ core, state, readBody }) => {
  const body = await readJsonObject(state.view, readBody);
  const email = stringField(body, 'email');
  const password = stringField(body, 'password');
  const remember = booleanField(body, 'remember');
  const user = await createAccount(core, state, email, password);
  const handout = await core.startSession(state, user.id, remember);
  const answer: UserAnswer = { user: { id: user.id, email: user.email } };
  return jsonVerdict(201, answer, handout.headers, handout.cookies);
};
