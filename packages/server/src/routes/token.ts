import type { DeviceSignupAnswer, DeviceTokenAnswer } from '@crossauth/protocol';
import { HttpError, jsonVerdict, readJsonObject, stringField } from '../http/index.js';
import { verifyCredentials } from './login.js';
import { createAccount } from './signup.js';
import type { DevicePair } from '../tokens/index.js';
import type { RouteContext, RouteHandler } from './types.js';

const MAX_NAME_LENGTH = 100;

/** A device or token name: 1 to 100 characters after trimming. */
export function tokenName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new HttpError('bad_request', `"name" must be 1 to ${MAX_NAME_LENGTH} characters.`);
  return name;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The `{"email","password","name"}` body of the device routes. */
async function deviceBody({ state, readBody }: RouteContext): Promise<{ email: string; password: string; name: string }> {
  const body = await readJsonObject(state.view, readBody);
  return { email: stringField(body, 'email'), password: stringField(body, 'password'), name: tokenName(stringField(body, 'name')) };
}

/** The wire form of a device pair. */
const pairAnswer = (pair: DevicePair): DeviceTokenAnswer => ({ token: pair.token, id: pair.id, expiresAt: iso(pair.expiresAt), refreshToken: pair.refreshToken });

/**
 * `POST /auth/token`: bearer login for native apps and web views that drop the API's cookies. Same
 * hashing and throttling as `/auth/login`; no cookie, Origin or CSRF token involved.
 */
export const deviceLoginRoute: RouteHandler = async (context) => {
  const { core, state } = context;
  const { email, password, name } = await deviceBody(context);
  const user = await verifyCredentials(core, state, email, password);
  return jsonVerdict(201, pairAnswer(await core.tokens.issueDevice(user.id, name, state.now)));
};

/** `POST /auth/token/refresh`: a new pair for a refresh token; reuse of a spent one revokes the family. */
export const refreshRoute: RouteHandler = async ({ core, state, readBody }) => {
  const refreshToken = stringField(await readJsonObject(state.view, readBody), 'refreshToken');
  const pair = await core.tokens.refresh(refreshToken, state.now);
  if (pair === null) throw new HttpError('unauthenticated', 'This refresh token is unknown, expired or already used; log in again.');
  return jsonVerdict(200, { token: pair.token, expiresAt: iso(pair.expiresAt), refreshToken: pair.refreshToken });
};

/**
 * `POST /auth/token/signup`: creates the account and answers with its first device token pair — for
 * native apps, and for browsers that drop the API's cookies, which could never complete the cookie
 * signup's CSRF check. It sets no cookie, so like `/auth/token` it needs no Origin or CSRF token: a
 * forged call only creates an account the forger already knows the password of, bound to nobody's
 * browser. Throttled like `/auth/signup`.
 */
export const deviceSignupRoute: RouteHandler = async (context) => {
  const { core, state } = context;
  const { email, password, name } = await deviceBody(context);
  const user = await createAccount(core, state, email, password);
  const answer: DeviceSignupAnswer = { user: { id: user.id, email: user.email }, ...pairAnswer(await core.tokens.issueDevice(user.id, name, state.now)) };
  return jsonVerdict(201, answer);
};
