import type { SessionRecord } from '../store/index.js';

/** Who a request is, after authentication. A bearer request is never also a cookie request. */
export type Principal =
  | { kind: 'session'; userId: string; session: SessionRecord; abilities: readonly string[] }
  | { kind: 'token'; userId: string; tokenId: string; familyId: string | null; abilities: readonly string[] };

/** Whether the principal may use an ability such as `notes:write`; `*` grants everything. */
export function can(principal: Principal | null, ability: string): boolean {
  if (principal === null) return false;
  return principal.abilities.includes('*') || principal.abilities.includes(ability);
}
