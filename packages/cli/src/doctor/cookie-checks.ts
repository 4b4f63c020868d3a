import { HOST_PREFIX, PRE_SESSION_COOKIE } from '@crossauth/protocol';
import type { FindingList } from './findings.js';
import type { ProbeAnswer } from './http-probe.js';
import { isDeletion, isSessionOnly, looksLikeCsrfCookie, parseSetCookie, type ParsedCookie } from './set-cookie.js';
import { domainMatches, isLoopbackHost, isPublicSuffix, type Topology } from './topology.js';

/**
 * What a browser does with each Set-Cookie line of a credentialed fetch answer. The model is the strict
 * browser the matrix measured here (Chromium 156 with third-party cookies blocked, and Safari): a
 * cross-site cookie is kept only when it is `SameSite=None; Secure; Partitioned` (browser-matrix.md).
 */

/** RFC 6265bis §5.6: name plus value over this many octets and the cookie is ignored. */
const MAX_NAME_VALUE_BYTES = 4096;

/** The cookies a browser keeps for the API, by name: what it sends on the next request. */
export type CookieJar = Map<string, ParsedCookie>;

export function cookieHeader(jar: CookieJar): string | undefined {
  if (jar.size === 0) return undefined;
  return [...jar.values()].map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

function prefixed(name: string, prefix: string): boolean {
  // RFC 6265bis matches the prefixes case-insensitively, as browsers now do.
  return name.toLowerCase().startsWith(prefix.toLowerCase());
}

/** A pre-session cookie is meant to die with the browser; crossauth's is rotated at every login. */
function isPreSession(name: string): boolean {
  return name === PRE_SESSION_COOKIE || name === HOST_PREFIX + PRE_SESSION_COOKIE;
}

/** Judges one cookie; returns whether the browser keeps it. */
function judgeCookie(cookie: ParsedCookie, topology: Topology, label: string, list: FindingList): boolean {
  const name = cookie.name;
  const from = `${name} (from ${label})`;
  let kept = true;
  const reject = (id: Parameters<FindingList['add']>[0], observed: string) => {
    list.add(id, observed, name);
    kept = false;
  };
  if (cookie.nameValueBytes > MAX_NAME_VALUE_BYTES) reject('cookie.oversize', `Cookie ${from} is ${cookie.nameValueBytes} bytes of name and value.`);
  if (prefixed(name, '__Host-') && (!cookie.secure || cookie.domain !== undefined || cookie.path !== '/')) {
    const broken = [!cookie.secure && 'no Secure', cookie.domain !== undefined && `Domain=${cookie.domain}`, cookie.path !== '/' && `Path=${cookie.path ?? '(none)'}`].filter(Boolean).join(', ');
    reject('cookie.host-prefix-invalid', `Cookie ${from} has ${broken}.`);
  }
  if (prefixed(name, '__Secure-') && !cookie.secure) reject('cookie.secure-prefix-invalid', `Cookie ${from} is not Secure.`);
  if (cookie.secure && !topology.apiTrustworthy) {
    reject('cookie.secure-over-http', `Cookie ${from} is Secure but was set by ${topology.api.origin}, plain http on a host that is not loopback.`);
  }
  if (cookie.domain !== undefined) {
    const host = topology.api.hostname;
    if (isPublicSuffix(cookie.domain) && cookie.domain !== host) {
      reject('cookie.domain-mismatch', `Cookie ${from} has Domain=${cookie.domain}, a public suffix.`);
    } else if (!domainMatches(host, cookie.domain)) {
      reject('cookie.domain-mismatch', `Cookie ${from} has Domain=${cookie.domain}, which does not cover ${host}.`);
    }
  }
  if (cookie.sameSite === 'none' && !cookie.secure) reject('cookie.samesite-none-insecure', `Cookie ${from} is SameSite=None without Secure.`);
  if (topology.relation === 'cross-site') {
    if (cookie.sameSite !== 'none') {
      const written = cookie.sameSite === 'unset' ? 'has no SameSite (Lax by default)' : `is SameSite=${cookie.sameSite === 'lax' ? 'Lax' : 'Strict'}`;
      reject('cookie.samesite-lax-cross-site', `Cookie ${from} ${written}, and ${topology.app.origin} → ${topology.api.origin} is cross-site.`);
    } else if (cookie.secure && !cookie.partitioned) {
      reject('cookie.cross-site-unpartitioned', `Cookie ${from} is SameSite=None; Secure without Partitioned, and the pair is cross-site.`);
    }
  }
  if (kept && topology.hybrid !== null && isSessionOnly(cookie) && !looksLikeCsrfCookie(name) && !isPreSession(name)) {
    list.add('cookie.no-expiry-hybrid', `Cookie ${from} has neither Max-Age nor Expires.`, name);
  }
  if (kept) list.pass(`Cookie ${from} would be stored and sent`);
  return kept;
}

/** Judges every Set-Cookie of `answer` and applies the kept ones (and deletions) to `jar`. */
export function judgeCookies(answer: ProbeAnswer, topology: Topology, label: string, list: FindingList, jar: CookieJar, now = Date.now()): ParsedCookie[] {
  const kept: ParsedCookie[] = [];
  for (const line of answer.setCookies) {
    const cookie = parseSetCookie(line);
    if (isDeletion(cookie, now)) {
      jar.delete(cookie.name);
      continue;
    }
    if (judgeCookie(cookie, topology, label, list)) {
      jar.set(cookie.name, cookie);
      kept.push(cookie);
    }
  }
  return kept;
}

/**
 * Whether a script on the app's page can read `cookie` through `document.cookie`: not HttpOnly, the page
 * same-site with the API and its host covered by the cookie (host-only: the same host, ports never
 * matter; with Domain: a subdomain of it), and a Secure cookie only on a secure page. Custom-scheme pages
 * see no cookies at all (browser-matrix.md [W4]).
 */
export function readableByApp(cookie: ParsedCookie, topology: Topology): boolean {
  if (cookie.httpOnly) return false;
  const { app, api } = topology;
  if (app.scheme !== 'http' && app.scheme !== 'https') return false;
  if (topology.relation === 'cross-site') return false;
  const covered = cookie.domain === undefined ? app.hostname === api.hostname : domainMatches(app.hostname, cookie.domain);
  if (!covered) return false;
  return !cookie.secure || app.scheme === 'https' || isLoopbackHost(app.hostname);
}
