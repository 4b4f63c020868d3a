import type { TokenSummary } from '@crossauth/protocol';
import { emptyVerdict, HttpError, jsonVerdict, readJsonObject, stringField } from '../http/index.js';
import { requestedAbilities } from '../tokens/index.js';
import { tokenName } from './token.js';
import type { RouteContext, RouteHandler } from './types.js';

const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 86400;

function principalOf({ state }: RouteContext) {
  const principal = state.principal;
  if (principal === null) throw new HttpError('unauthenticated', 'Sign in, or send a bearer token.');
  return principal;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `GET /auth/tokens`: the user's personal and device tokens, never their secrets. */
export const listTokensRoute: RouteHandler = async (context) => {
  const principal = principalOf(context);
  const records = await context.core.store.listTokens(principal.userId, context.state.now);
  const tokens: TokenSummary[] = records.map((token) => ({
    id: token.id,
    name: token.name,
    kind: token.kind,
    abilities: token.abilities,
    lastUsedAt: iso(token.lastUsedAt),
    expiresAt: iso(token.expiresAt),
  }));
  return jsonVerdict(200, { tokens });
};

/**
 * `POST /auth/tokens` (`{"name","abilities"?,"expiresIn"?}`): a personal access token for the caller,
 * shown once. Any user id in the body is ignored (T5): the token belongs to whoever asks.
 */
export const createTokenRoute: RouteHandler = async (context) => {
  const principal = principalOf(context);
  const body = await readJsonObject(context.state.view, context.readBody);
  const name = tokenName(stringField(body, 'name'));
  const abilities = requestedAbilities(Object.hasOwn(body, 'abilities') ? body.abilities : undefined, principal.abilities);
  const expiresIn = Object.hasOwn(body, 'expiresIn') ? body.expiresIn : undefined;
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > MAX_EXPIRES_IN_SECONDS)) {
    throw new HttpError('bad_request', `"expiresIn" must be a whole number of seconds between 1 and ${MAX_EXPIRES_IN_SECONDS}.`);
  }
  const now = context.state.now;
  const created = await context.core.tokens.createPersonal(principal.userId, name, abilities, expiresIn === undefined ? null : now + expiresIn * 1000, now);
  return jsonVerdict(201, created);
};

/** `DELETE /auth/tokens/:id`: revokes one of the caller's tokens; someone else's answers 404. */
export function deleteTokenRoute(id: string): RouteHandler {
  return async (context) => {
    const principal = principalOf(context);
    if (!(await context.core.tokens.revoke(principal.userId, id, context.state.now))) {
      throw new HttpError('not_found', 'No such token.');
    }
    return emptyVerdict(204);
  };
}
