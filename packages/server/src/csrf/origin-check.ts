import type { RequestView } from '../http/index.js';

/**
 * DESIGN.md request flow, step 4: an unsafe cookie-bearing request must come from a trusted origin —
 * an allowlisted `Origin`, the API's configured public origin, or `Sec-Fetch-Site: same-origin` (a
 * header pages cannot forge). `same-site`/`cross-site` alone are not trust, and `Referer` is never consulted.
 */
export function isTrustedOrigin(
  view: RequestView,
  origin: string | undefined,
  isAllowed: (origin: string) => boolean,
  ownOrigin: string | undefined,
): boolean {
  if (origin !== undefined) {
    if (origin === ownOrigin || isAllowed(origin)) return true;
  }
  return view.header('sec-fetch-site') === 'same-origin';
}
