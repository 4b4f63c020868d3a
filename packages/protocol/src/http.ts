/** Methods that never need a CSRF token. Everything else is unsafe, extension methods included. */
export const SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/** The response header that carries a fresh (masked) CSRF token. Exposed to cross-origin callers. */
export const CSRF_RESPONSE_HEADER = 'X-CSRF-Token';

/** Request headers in which the server accepts the CSRF token, lower-cased. */
export const CSRF_REQUEST_HEADERS: readonly string[] = ['x-csrf-token', 'x-xsrf-token', 'x-csrftoken'];

/** Response headers that cross-origin callers may read. */
export const EXPOSED_HEADERS: readonly string[] = ['X-CSRF-Token', 'Retry-After'];

/** A readable CSRF cookie and the header a classic interceptor copies it into. */
export interface CsrfCookieConvention {
  cookieName: string;
  headerName: string;
}

/**
 * Conventions of the frameworks people come from. `default` is crossauth's own; `django` matches
 * Django's `csrftoken` / `X-CSRFToken`; `angular` and `laravel` match `XSRF-TOKEN` / `X-XSRF-TOKEN`.
 */
export const CSRF_PRESETS = {
  default: { cookieName: 'XSRF-TOKEN', headerName: 'X-CSRF-Token' },
  django: { cookieName: 'csrftoken', headerName: 'X-CSRFToken' },
  angular: { cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' },
  laravel: { cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' },
} as const satisfies Record<string, CsrfCookieConvention>;

export type CsrfPreset = keyof typeof CSRF_PRESETS;

/** Cookie names. The server adds the `__Host-` prefix whenever the cookie is `Secure`. */
export const SESSION_COOKIE = 'crossauth-session';
export const PRE_SESSION_COOKIE = 'crossauth-pre';
export const HOST_PREFIX = '__Host-';

/** Body size limit of every JSON route, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;
