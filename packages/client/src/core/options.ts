import { CSRF_PRESETS, SAFE_METHODS, type CsrfPreset } from '@crossauth/protocol';
import { memoryStorage, type TokenStorage } from '../token/storage.js';

/** How the client authenticates: `auto` starts with cookies and falls back to bearer tokens when the browser drops them. */
export type ModeOption = 'auto' | 'cookie' | 'token';
/** The mode in effect once decided. */
export type Mode = 'cookie' | 'token';

export interface ClientOptions {
  /** The API, e.g. `https://api.example.com` (a path prefix such as `/v1` is kept). The helpers' routes are appended to it. */
  baseUrl: string;
  /**
   * Further API origins that get credentials and the CSRF header, e.g. `https://files.example.com`.
   * Default: only `baseUrl`'s origin. Every other URL the app fetches is left untouched: no header, no credentials.
   */
  apiOrigins?: readonly string[];
  /** Naming convention, as on the server: `default`, `django`, `angular`, `laravel`. Default `default` (cookie `XSRF-TOKEN`, header `X-CSRF-Token`). */
  csrfPreset?: CsrfPreset;
  /** Request header that carries the CSRF token; overrides the preset. */
  csrfHeaderName?: string;
  /** Readable CSRF cookie to take the token from when the page can see it (same-site deployments); overrides the preset. */
  csrfCookieName?: string;
  /** Methods sent without a CSRF token. Default `GET`, `HEAD`, `OPTIONS`, as on the server. */
  safeMethods?: readonly string[];
  /**
   * `auto` (default): cookies, switching to bearer tokens before the first login when `/auth/csrf` says the
   * browser drops the API's cookies (Safari, iOS web views). `cookie`: never switch. `token`: bearer tokens
   * only, for native shells.
   */
  mode?: ModeOption;
  /**
   * Where token mode keeps its access and refresh token. Default `memoryStorage()`: nothing for an XSS
   * payload to read after the fact, but a reload signs the user out. `localStorageStorage()` survives
   * reloads and shares the tokens between tabs, and any script running on the page can read it.
   * `preferencesStorage(Preferences)` from `@crossauth/client/capacitor` for native shells.
   */
  tokenStorage?: TokenStorage;
  /** Name given to device tokens, shown by `GET /auth/tokens`. Default `'crossauth client'`. */
  tokenName?: string;
  /** Refresh an access token this many seconds before it expires. Default 60. */
  refreshLeewaySeconds?: number;
  /** The `fetch` to use. Default the global `fetch`, looked up at call time. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

/** Options after normalisation: computed once, so each request only does lookups. */
export interface Settings {
  base: string;
  origins: ReadonlySet<string>;
  headerName: string;
  cookieName: string;
  safe: ReadonlySet<string>;
  mode: ModeOption;
  storage: TokenStorage;
  tokenName: string;
  leewayMs: number;
  fetch: typeof fetch;
  now: () => number;
}

export function normalizeOptions(options: ClientOptions): Settings {
  // `new URL` throws on a relative or malformed baseUrl, which is the mistake worth failing on early.
  const base = new URL(options.baseUrl);
  const preset = CSRF_PRESETS[options.csrfPreset ?? 'default'];
  return {
    base: base.href.replace(/\/+$/, ''),
    origins: new Set([base.origin, ...(options.apiOrigins ?? []).map((origin) => new URL(origin).origin)]),
    headerName: options.csrfHeaderName ?? preset.headerName,
    cookieName: options.csrfCookieName ?? preset.cookieName,
    safe: new Set((options.safeMethods ?? SAFE_METHODS).map((method) => method.toUpperCase())),
    mode: options.mode ?? 'auto',
    storage: options.tokenStorage ?? memoryStorage(),
    tokenName: options.tokenName ?? 'crossauth client',
    leewayMs: (options.refreshLeewaySeconds ?? 60) * 1000,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: options.clock ?? Date.now,
  };
}
