import { HttpError } from '../http/index.js';

const ABILITY = /^(\*|[a-z0-9][a-z0-9_.-]*(:[a-z0-9*][a-z0-9_.*-]*)*)$/;
const MAX_ABILITIES = 32;

/** Whether `held` (a principal's or a token's abilities) covers `ability`; `*` covers everything. */
export function grants(held: readonly string[], ability: string): boolean {
  return held.includes('*') || held.includes(ability);
}

/**
 * Validates the `abilities` of a token request: a list of short names such as `notes:read`, default
 * `["*"]`. A token never gets more than the principal that asks for it (T5).
 */
export function requestedAbilities(value: unknown, held: readonly string[]): string[] {
  if (value === undefined) {
    if (!held.includes('*')) throw new HttpError('forbidden', 'This token cannot mint a token with every ability; list the abilities it should have.');
    return ['*'];
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ABILITIES) {
    throw new HttpError('bad_request', `"abilities" must be a list of 1 to ${MAX_ABILITIES} names such as "notes:read".`);
  }
  const abilities: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || item.length > 64 || !ABILITY.test(item)) {
      throw new HttpError('bad_request', '"abilities" must hold names such as "notes:read" or "*".');
    }
    if (item === '*' ? !held.includes('*') : !grants(held, item)) {
      throw new HttpError('forbidden', `A token cannot grant "${item}": the credential creating it does not have that ability.`);
    }
    if (!abilities.includes(item)) abilities.push(item);
  }
  return abilities;
}
