import { CSRF_REQUEST_HEADERS } from '@crossauth/protocol';
import { readableByApp } from './cookie-checks.js';
import { exposedHeaderNames } from './cors-checks.js';
import type { FindingList } from './findings.js';
import type { ProbeAnswer } from './http-probe.js';
import { looksLikeCsrfCookie, parseSetCookie } from './set-cookie.js';
import type { Topology } from './topology.js';

/**
 * Whether the app can get hold of the CSRF token an answer hands out. The classic recipe (read the
 * `XSRF-TOKEN` cookie, copy it into a header) works only when the app can read the API's cookie, i.e.
 * same-site with a suitable `Domain`; across sites the token has to come in the body or an exposed
 * header (DESIGN.md, "CSRF token delivery works when the SPA cannot read the API's cookies").
 */

/** A token the app's script can read on this answer, or `undefined`. */
export function readableToken(answer: ProbeAnswer, granted: boolean, topology: Topology): string | undefined {
  if (granted) {
    const exposed = exposedHeaderNames(answer);
    for (const name of CSRF_REQUEST_HEADERS) {
      const value = answer.headers.find(([key]) => key === name)?.[1];
      if (value !== undefined && exposed.has(name)) return value;
    }
    const fromBody = tokenInBody(answer.body);
    if (fromBody !== undefined) return fromBody;
  }
  for (const line of answer.setCookies) {
    const cookie = parseSetCookie(line);
    if (looksLikeCsrfCookie(cookie.name) && cookie.value !== '' && readableByApp(cookie, topology)) return cookie.value;
  }
  return undefined;
}

/** `{"csrfToken": "…"}` or any top-level string field named like a CSRF token. */
function tokenInBody(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (/csrf|xsrf/i.test(key) && typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Reports `csrf.token-unreadable` when the answer sets a CSRF cookie the app cannot read and offers no readable copy. */
export function judgeCsrfDelivery(answer: ProbeAnswer, granted: boolean, topology: Topology, label: string, list: FindingList): void {
  const csrfCookies = answer.setCookies.map(parseSetCookie).filter((cookie) => looksLikeCsrfCookie(cookie.name) && cookie.value !== '');
  if (csrfCookies.length === 0) return;
  if (readableToken(answer, granted, topology) !== undefined) {
    list.pass(`${label}: the app can read the CSRF token`);
    return;
  }
  const cookie = csrfCookies[0]!;
  const because = cookie.httpOnly
    ? 'is HttpOnly'
    : topology.relation === 'cross-site'
      ? `belongs to ${topology.api.site}, another site than the app's ${topology.app.site}`
      : `is scoped to ${cookie.domain ?? `${topology.api.hostname} only`}, which does not cover ${topology.app.hostname}`;
  list.add('csrf.token-unreadable', `${label} hands out the CSRF token in cookie ${cookie.name}, which ${because}.`, cookie.name);
}
