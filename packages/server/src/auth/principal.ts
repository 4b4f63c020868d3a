import { HttpError } from '../http/index.js';
import type { SessionRecord } from '../store/index.js';

/** Who a request is, after authentication. A bearer request is never also a cookie request. */
export type Principal =
  | { kind: 'session'; userId: string; session: SessionRecord; abilities: readonly string[] }
  | { kind: 'token'; userId: string; tokenId: string; familyId: string | null; abilities: readonly string[] }
  | { kind: 'basic'; userId: string; abilities: readonly string[] };

/** Whether the principal may use an ability such as `notes:write`; `*` grants everything. */
export function can(principal: Principal | null, ability: string): boolean {
  if (principal === null) return false;
  return principal.abilities.includes('*') || principal.abilities.includes(ability);
}

/**
 * For application routes: the principal if it may use `ability`; else throws 401 `unauthenticated`
 * (nobody) or 403 `forbidden` (a token without that ability), which the adapters turn into answers.
 */
export function requireAbility(principal: Principal | null, ability: string): Principal {
  if (principal === null) throw new HttpError('unauthenticated', 'Sign in, or send a bearer token.');
  if (!can(principal, ability)) throw new HttpError('forbidden', `This credential lacks the ${ability} ability.`);
  return principal;
}
