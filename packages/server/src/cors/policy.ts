/**
 * The CORS decision (DESIGN.md, "How a request flows", step 2), following the CORS protocol of the
 * Fetch standard (https://fetch.spec.whatwg.org/#http-cors-protocol). Options are validated and every
 * header value is built once, in `compileCorsPolicy`; per request there is one allowlist lookup and one
 * small headers object.
 */
import { EXPOSED_HEADERS } from '@crossauth/protocol';
import type { ErrorCode } from '@crossauth/protocol';
import type { RequestView, ResponseHeaders } from '../http/types.js';
import { compileAllowlist } from './allowlist.js';
import type { CompiledAllowlist, OriginEntry } from './allowlist.js';
import { CorsConfigError } from './config-error.js';
import { parseOrigin } from './origin.js';

export interface CorsOptions {
  /**
   * Trusted origins, shared with the CSRF origin check: exact origins, `https://*.example.com`
   * patterns, the presets `'capacitor'` and `'ionic'`, `'null'`, or functions (see `OriginEntry`).
   * Required; `'*'` and other reflect-all entries are refused at startup.
   */
  origins: readonly OriginEntry[];
  /** Development mode: silences the startup warnings about `localhost` and plain `http://` origins. Default `false`. */
  development?: boolean;
  /**
   * Methods a cross-origin caller may use, compared exactly (methods are case-sensitive; browsers
   * upper-case the standard ones). Default `GET, HEAD, POST, PUT, PATCH, DELETE`.
   */
  allowedMethods?: readonly string[];
  /**
   * Request header names a cross-origin caller may send, case-insensitive. Default `content-type,
   * authorization, x-csrf-token, x-xsrf-token, x-csrftoken, x-requested-with, accept, accept-language,
   * content-language, cache-control, pragma`. `'*'` is refused: with credentials it is not a wildcard.
   */
  allowedHeaders?: readonly string[];
  /**
   * Response header names the caller's script may read, in addition to `X-CSRF-Token` and
   * `Retry-After`, which are always exposed. Default none beyond those two.
   */
  exposedHeaders?: readonly string[];
  /**
   * How long, in seconds, a browser may cache a preflight answer (`Access-Control-Max-Age`). Default
   * 7200 (2 hours; Chromium caps at 7200, Firefox at 86400). 0 disables caching.
   */
  maxAgeSeconds?: number;
}

/** The CORS verdict for an actual (non-preflight) request. */
export interface CorsDecision {
  /** Whether the request's `Origin` is on the allowlist (false when there is none). */
  allowed: boolean;
  /** The raw `Origin` header, or `undefined` when the request has none. Trust it only when `allowed`. */
  origin: string | undefined;
  /** Headers to add to the response: always `Vary: Origin`, plus the grant when `allowed`. */
  headers: ResponseHeaders;
}

type PreflightRefusalCode = Extract<ErrorCode, 'origin_not_allowed' | 'forbidden'>;

/** The answer to a CORS preflight; authentication, CSRF and the route never run for one. */
export type PreflightAnswer =
  | { status: 204; headers: ResponseHeaders }
  | { status: 403; code: PreflightRefusalCode; message: string; headers: ResponseHeaders };

export interface CorsPolicy {
  /** The compiled allowlist, for the CSRF origin check: one list for both. */
  readonly allowlist: CompiledAllowlist;
  /** Startup warnings from the allowlist, for the caller to log. */
  readonly warnings: readonly string[];
  /** `allowlist.isAllowed`, a plain function (safe to pass around unbound). */
  readonly isAllowed: (origin: string) => boolean;
  /** CORS headers for an actual request. Never throws. */
  corsHeadersFor(view: RequestView): CorsDecision;
  /** `null` when `view` is not a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`). */
  answerPreflight(view: RequestView): PreflightAnswer | null;
}

export const DEFAULT_ALLOWED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const DEFAULT_ALLOWED_HEADERS: readonly string[] = [
  'content-type',
  'authorization',
  'x-csrf-token',
  'x-xsrf-token',
  'x-csrftoken',
  'x-requested-with',
  'accept',
  'accept-language',
  'content-language',
  'cache-control',
  'pragma',
];
export const DEFAULT_MAX_AGE_SECONDS = 7200;

const ACTUAL_VARY = 'Origin';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

// RFC 9110 §5.6.2 token: what a method or a field name may consist of. Used at startup and for
// deciding whether a requested name is safe to quote back in an error message.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_QUOTED_LENGTH = 100;

function quotable(value: string): boolean {
  return value.length <= MAX_QUOTED_LENGTH && TOKEN.test(value);
}

/**
 * Validates a list of tokens and drops repeats (compared case-insensitively when `fold`), keeping the
 * first spelling and the order.
 */
function tokenList(option: string, values: readonly string[], fold: boolean): string[] {
  if (!Array.isArray(values)) throw new CorsConfigError(`${option} must be an array of names, e.g. ['GET', 'POST']`);
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of values as readonly unknown[]) {
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '*') {
      throw new CorsConfigError(`${option}: '*' is not a wildcard when credentials are sent (Fetch standard): list the names`);
    }
    if (!TOKEN.test(value)) throw new CorsConfigError(`${option}: ${JSON.stringify(raw)} is not a valid name: remove it`);
    const normalized = fold ? value.toLowerCase() : value;
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    result.push(value);
  }
  return result;
}

function refusal(code: PreflightRefusalCode, message: string): PreflightAnswer {
  return { status: 403, code, message, headers: { Vary: PREFLIGHT_VARY } };
}

/**
 * Validates CORS options and precomputes every header value. Throws a `CorsConfigError` naming the
 * option and the fix for a configuration that cannot be made safe.
 */
export function compileCorsPolicy(options: CorsOptions): CorsPolicy {
  const origins = Array.isArray(options.origins) ? options.origins : [options.origins as unknown as OriginEntry];
  const allowlist = compileAllowlist(origins, { development: options.development === true });

  const methods = tokenList('allowedMethods', options.allowedMethods ?? DEFAULT_ALLOWED_METHODS, false);
  // Lower-cased once, so the per-request comparison is a plain Set lookup.
  const allowedHeaders = tokenList('allowedHeaders', options.allowedHeaders ?? DEFAULT_ALLOWED_HEADERS, true).map(
    (name) => name.toLowerCase(),
  );
  const exposedHeaders = tokenList('exposedHeaders', [...EXPOSED_HEADERS, ...(options.exposedHeaders ?? [])], true);
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new CorsConfigError(`maxAgeSeconds: ${String(maxAge)} is not a whole number of seconds: use e.g. 7200`);
  }

  const methodSet = new Set(methods);
  const allowedHeaderSet = new Set(allowedHeaders);
  const allowMethodsValue = methods.join(', ');
  const allowHeadersValue = allowedHeaders.join(', ');
  const exposeHeadersValue = exposedHeaders.join(', ');
  const maxAgeValue = String(maxAge);

  /**
   * The first requested header name outside the list, or `undefined` when all are allowed. Linear:
   * `indexOf` plus `trim`, never a regex split (hono 93fc250d, catalogue M12); stops at the first miss.
   */
  function firstDisallowedHeader(requested: string): string | undefined {
    let start = 0;
    while (start <= requested.length) {
      let end = requested.indexOf(',', start);
      if (end === -1) end = requested.length;
      const name = requested.slice(start, end).trim().toLowerCase();
      if (name !== '' && !allowedHeaderSet.has(name)) return name;
      start = end + 1;
    }
    return undefined;
  }

  function isTrustedOrigin(view: RequestView, origin: string): boolean {
    // Two Origin headers arrive joined (`a, b`) and fail the lookup anyway; the count is a second lock.
    return allowlist.isAllowed(origin) && view.headerCount('origin') === 1;
  }

  function corsHeadersFor(view: RequestView): CorsDecision {
    const origin = view.header('origin');
    if (origin === undefined || !isTrustedOrigin(view, origin)) {
      // No grant at all on a refusal: ACAC without ACAO still leaks intent (django-cors-headers #888).
      return { allowed: false, origin, headers: { Vary: ACTUAL_VARY } };
    }
    return {
      allowed: true,
      origin,
      headers: {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': exposeHeadersValue,
        Vary: ACTUAL_VARY,
      },
    };
  }

  function answerPreflight(view: RequestView): PreflightAnswer | null {
    if (view.method !== 'OPTIONS') return null;
    const origin = view.header('origin');
    const requestedMethod = view.header('access-control-request-method');
    if (origin === undefined || requestedMethod === undefined) return null;

    if (!isTrustedOrigin(view, origin)) {
      const named = origin === 'null' || parseOrigin(origin) !== null ? `'${origin}'` : 'of this request';
      return refusal(
        'origin_not_allowed',
        `The origin ${named} is not allowed to call this API: add it to the server's 'origins' option if it should be.`,
      );
    }
    if (!methodSet.has(requestedMethod)) {
      const named = quotable(requestedMethod) ? `'${requestedMethod}'` : 'requested';
      return refusal(
        'forbidden',
        `The method ${named} is not allowed for cross-origin requests: add it to the server's 'allowedMethods' option.`,
      );
    }
    const requestedHeaders = view.header('access-control-request-headers');
    if (requestedHeaders !== undefined) {
      const disallowed = firstDisallowedHeader(requestedHeaders);
      if (disallowed !== undefined) {
        const named = quotable(disallowed) ? `'${disallowed}'` : 'requested';
        return refusal(
          'forbidden',
          `The request header ${named} is not allowed for cross-origin requests: add it to the server's 'allowedHeaders' option.`,
        );
      }
    }

    const headers: ResponseHeaders = {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': allowMethodsValue,
      // The configured list, not an echo of the request: nothing from the request is reflected, the
      // value is built once, and one cached preflight covers every header the app may later add.
      'Access-Control-Allow-Headers': allowHeadersValue,
      'Access-Control-Max-Age': maxAgeValue,
      Vary: PREFLIGHT_VARY,
    };
    // Private Network Access (https://wicg.github.io/private-network-access/): grant only when asked.
    if (view.header('access-control-request-private-network') === 'true') {
      headers['Access-Control-Allow-Private-Network'] = 'true';
    }
    return { status: 204, headers };
  }

  return { allowlist, warnings: allowlist.warnings, isAllowed: allowlist.isAllowed, corsHeadersFor, answerPreflight };
}
