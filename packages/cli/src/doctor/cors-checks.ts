import { CSRF_REQUEST_HEADERS } from '@crossauth/protocol';
import type { FindingList } from './findings.js';
import { header, headerList, headerValues, type ProbeAnswer } from './http-probe.js';

/**
 * CORS judged as the browser judges it (Fetch standard, https://fetch.spec.whatwg.org/#cors-check and
 * #cors-preflight-fetch), always for `credentials: 'include'`, where `*` is a literal and not a wildcard.
 */

/** Methods that never need a preflight (Fetch standard, CORS-safelisted method). */
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
/** Request headers the doctor treats as safelisted; their usual values are (Fetch standard, CORS-safelisted request-header). */
const SAFELISTED_HEADERS = new Set(['accept', 'accept-language', 'content-language']);
/** Methods with a JSON body in the crossauth contract; the app sends Content-Type: application/json with them. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The request headers an app's fetch carries for `method`: the ones named with `--header`, plus, for an
 * unsafe method, `Content-Type: application/json` and the CSRF header (the crossauth client's
 * interceptor adds `X-CSRF-Token` to every unsafe request).
 */
export function appRequestHeaders(method: string, named: readonly string[]): string[] {
  const names = named.map((name) => name.toLowerCase());
  if (BODY_METHODS.has(method)) names.push('content-type');
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && !names.some((name) => CSRF_REQUEST_HEADERS.includes(name))) names.push('x-csrf-token');
  return [...new Set(names)];
}

/** `Access-Control-Request-Headers` as a browser builds it: the unsafe names, lower-cased, sorted. */
export function preflightHeaderNames(requestHeaders: readonly string[]): string[] {
  return requestHeaders.filter((name) => !SAFELISTED_HEADERS.has(name)).sort();
}

export function needsPreflight(method: string, requestHeaders: readonly string[]): boolean {
  return !SAFELISTED_METHODS.has(method) || preflightHeaderNames(requestHeaders).length > 0;
}

type GrantProblem = 'none' | 'wildcard' | 'mismatch' | 'no-credentials';

/** Why `answer` fails the CORS check for `origin` with credentials, or `null` when it passes. */
function grantProblem(answer: ProbeAnswer, origin: string): GrantProblem | null {
  const values = headerValues(answer, 'access-control-allow-origin');
  if (values.length === 0) return 'none';
  if (values.length === 1 && values[0] === '*') return 'wildcard';
  if (values.length !== 1 || values[0] !== origin) return 'mismatch';
  if (header(answer, 'access-control-allow-credentials') !== 'true') return 'no-credentials';
  return null;
}

function reportGrant(problem: GrantProblem, answer: ProbeAnswer, label: string, list: FindingList): void {
  const origin = list.context.appOrigin;
  const acao = header(answer, 'access-control-allow-origin');
  if (problem === 'wildcard') {
    list.add('cors.wildcard-with-credentials', `${label} answered Access-Control-Allow-Origin: *.`);
  } else if (problem === 'mismatch') {
    list.add('cors.origin-refused', `${label} answered Access-Control-Allow-Origin: ${acao}, which is not ${origin}.`);
  } else if (problem === 'no-credentials') {
    const acac = header(answer, 'access-control-allow-credentials');
    list.add('cors.credentials-missing', `${label} granted ${origin} but ${acac === undefined ? 'without Access-Control-Allow-Credentials' : `with Access-Control-Allow-Credentials: ${acac}`}.`);
  } else {
    list.add('cors.origin-refused', `${label} answered ${answer.status} without Access-Control-Allow-Origin for ${origin}.`);
  }
}

/** Judges a preflight answer; resolves whether the browser would go on to send the request. */
export function judgePreflight(answer: ProbeAnswer, method: string, requestHeaders: readonly string[], label: string, list: FindingList): boolean {
  const { status } = answer;
  if (status >= 300 && status < 400) {
    const location = header(answer, 'location') ?? '';
    list.add('cors.preflight-redirect', `${label} answered ${status}${location === '' ? '' : ` to ${location}`}.`, location);
    return false;
  }
  const ok = status >= 200 && status < 300;
  const problem = grantProblem(answer, list.context.appOrigin);
  if (problem === 'none' && !ok && status !== 403) {
    list.add('cors.preflight-status', `${label} answered ${status} without CORS headers.`);
    return false;
  }
  if (problem !== null) {
    reportGrant(problem, answer, label, list);
    return false;
  }
  if (!ok) {
    list.add('cors.preflight-status', `${label} granted the origin but answered ${status}.`);
    return false;
  }
  let passes = true;
  const methods = headerList(answer, 'access-control-allow-methods');
  // Methods compare case-sensitively; with credentials a '*' is just a method named '*'.
  if (!SAFELISTED_METHODS.has(method) && !methods.includes(method)) {
    list.add('cors.method-not-allowed', `${label} allows ${methods.length === 0 ? 'no methods' : methods.join(', ')}, not ${method}.`, method);
    passes = false;
  }
  const allowed = new Set(headerList(answer, 'access-control-allow-headers').map((name) => name.toLowerCase()));
  const missing = preflightHeaderNames(requestHeaders).filter((name) => !allowed.has(name));
  if (missing.length > 0) {
    const shown = missing.join(', ');
    list.add('cors.header-not-allowed', `${label} does not allow the request header${missing.length > 1 ? 's' : ''} ${shown} (Access-Control-Allow-Headers: ${header(answer, 'access-control-allow-headers') ?? 'absent'}).`, shown);
    passes = false;
  }
  if (passes) list.pass(`${label} allows ${method}${requestHeaders.length > 0 ? ` with ${preflightHeaderNames(requestHeaders).join(', ')}` : ''}`);
  return passes;
}

/** Judges the CORS grant on an actual (non-preflight) answer; resolves whether the app can read it. */
export function judgeActual(answer: ProbeAnswer, label: string, preflightGranted: boolean, list: FindingList): boolean {
  const problem = grantProblem(answer, list.context.appOrigin);
  if (problem === 'none' && preflightGranted) {
    list.add('cors.response-not-granted', `${label} answered ${answer.status} without Access-Control-Allow-Origin.`, label);
    return false;
  }
  if (problem !== null) {
    reportGrant(problem, answer, label, list);
    return false;
  }
  const vary = headerList(answer, 'vary').map((name) => name.toLowerCase());
  if (vary.includes('origin') || vary.includes('*')) list.pass(`${label} says Vary: Origin`);
  else list.add('cors.vary-origin-missing', `${label} grants ${list.context.appOrigin} but its Vary is ${header(answer, 'vary') ?? 'absent'}.`);
  judgeExposed(answer, label, list);
  list.pass(`${label} grants ${list.context.appOrigin} with credentials`);
  return true;
}

/** Response headers the app must read: the CSRF token headers (crossauth rotates the token in one). */
const NEEDED_RESPONSE_HEADERS = ['x-csrf-token', 'x-xsrf-token', 'x-csrftoken'];

export function exposedHeaderNames(answer: ProbeAnswer): Set<string> {
  return new Set(headerList(answer, 'access-control-expose-headers').map((name) => name.toLowerCase()));
}

function judgeExposed(answer: ProbeAnswer, label: string, list: FindingList): void {
  const exposed = exposedHeaderNames(answer);
  for (const name of NEEDED_RESPONSE_HEADERS) {
    const spelled = answer.headers.find(([key]) => key === name);
    if (spelled === undefined) continue;
    if (exposed.has(name)) list.pass(`${label} exposes ${name}`);
    else list.add('cors.header-not-exposed', `${label} sends ${name} but Access-Control-Expose-Headers is ${header(answer, 'access-control-expose-headers') ?? 'absent'}.`, name);
  }
}

/** An origin nobody owns (RFC 2606 `.invalid`), to see whether the server grants whatever it is sent. */
export const UNRELATED_ORIGIN = 'https://crossauth-doctor-probe.invalid';

/** Judges the answers to the same request from an unrelated origin and from `Origin: null`. */
export function judgeProbes(unrelated: ProbeAnswer | undefined, opaque: ProbeAnswer | undefined, list: FindingList): void {
  const grants = (answer: ProbeAnswer | undefined, origin: string) =>
    answer !== undefined && header(answer, 'access-control-allow-origin') === origin && header(answer, 'access-control-allow-credentials') === 'true';
  if (grants(unrelated, UNRELATED_ORIGIN)) {
    list.add('cors.reflects-any-origin', `Asked from ${UNRELATED_ORIGIN}, the API answered Access-Control-Allow-Origin: ${UNRELATED_ORIGIN} with credentials.`);
  } else if (unrelated !== undefined) {
    list.pass('An unrelated origin is not granted');
  }
  if (!list.has('cors.reflects-any-origin') && grants(opaque, 'null')) {
    list.add('cors.null-origin-allowed', 'Asked with Origin: null, the API answered Access-Control-Allow-Origin: null with credentials.');
  }
}
