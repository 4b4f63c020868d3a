import type { CsrfPreset } from '@crossauth/protocol';
import type { OriginEntry } from '../cors/index.js';
import type { RandomSource } from '../crypto/index.js';
import type { PasswordHashingOptions } from '../passwords/index.js';
import type { SessionCacheOptions } from '../session/index.js';
import type { Store } from '../store/index.js';
import type { LoginThrottleOptions } from '../throttle/index.js';

/** Everything `createAuth` accepts. Normalised once; a mistake throws `ConfigError` naming the fix. */
export interface AuthOptions {
  /**
   * The one allowlist for CORS and the CSRF origin check: exact origins (`https://app.example.com`),
   * patterns (`https://*.example.com`), presets (`'capacitor'`, `'ionic'`), functions, or `'null'`.
   * `'*'` is refused: credentials and a wildcard never go together.
   */
  origins: readonly OriginEntry[];
  /** Where users, sessions, tokens and throttle counters live. */
  store: Store;
  /** HMAC key for CSRF tokens; at least 32 bytes. Every instance behind one load balancer shares it. */
  secret: string | Uint8Array;
  /**
   * The API's public origin, e.g. `https://api.example.com`. Decides cookie attributes (same-site or
   * cross-site callers). Default: taken per request from `Host` and the connection's scheme.
   */
  publicUrl?: string;
  /** Believe `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` from the proxy in front. Default `false`. */
  trustProxy?: boolean;
  /** Development mode silences the warnings about `http://localhost` origins. Default `false`. */
  development?: boolean;
  session?: SessionOptions;
  /**
   * An in-process cache of validated sessions: repeat requests skip the store read for up to
   * `ttlSeconds`. Off by default, so that "log out" is out everywhere at once; with several instances,
   * give it an `invalidation` channel (e.g. `redisInvalidation`) so logouts reach every cache at once.
   */
  sessionCache?: SessionCacheOptions;
  tokens?: TokenOptions;
  /**
   * Accept `Authorization: Basic` (email and password) on application routes, checked with the same
   * hashing and throttling as login. Default `false`. A 401 carries `WWW-Authenticate: Basic` only to
   * requests that tried Basic, so an SPA never sees the browser's password dialog.
   */
  basicAuth?: boolean;
  csrf?: CsrfOptions;
  cookies?: CookieOptions;
  cors?: CorsTuning;
  passwords?: PasswordHashingOptions;
  throttle?: LoginThrottleOptions;
  /** Longest wait for one store operation, in milliseconds, before answering 503. Default 1000. */
  storeTimeoutMs?: number;
  /** Milliseconds since the epoch; inject a fake clock in tests. Default `Date.now`. */
  clock?: () => number;
  /** Random bytes; inject for deterministic tests. Default `crypto.randomBytes`. */
  random?: RandomSource;
  /** Receives configuration warnings once, at `createAuth`. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

export interface SessionOptions {
  /** Idle timeout of a browser-session login, in seconds. Default 43200 (12 h). */
  idleTimeoutSeconds?: number;
  /** Absolute lifetime of a browser-session login, in seconds. Default 604800 (7 days). */
  absoluteLifetimeSeconds?: number;
  /** Idle timeout of a "remember me" login, in seconds. Default 2592000 (30 days). */
  rememberIdleTimeoutSeconds?: number;
  /** Absolute lifetime of a "remember me" login, in seconds. Default 7776000 (90 days). */
  rememberAbsoluteLifetimeSeconds?: number;
  /** Sliding renewal is written to the store at most this often per session, in seconds. Default 60. */
  renewIntervalSeconds?: number;
}

export interface TokenOptions {
  /** Lifetime of a device access token from `/auth/token`, in seconds. Default 900 (15 min). */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of a refresh token, in seconds. Default 2592000 (30 days). */
  refreshTokenLifetimeSeconds?: number;
  /**
   * How long after its first use a refresh token may be presented again without revoking its family
   * (a response lost on a flaky mobile network), in seconds. Default 0: any reuse revokes.
   */
  refreshReuseGraceSeconds?: number;
  /** `lastUsedAt` is written at most this often per token, in seconds. Default 60. */
  lastUsedIntervalSeconds?: number;
}

export interface CsrfOptions {
  /** Naming convention of the readable CSRF cookie: `default`, `django`, `angular`, `laravel`. Default `default` (`XSRF-TOKEN`). */
  preset?: CsrfPreset;
  /** Name of the readable CSRF cookie; overrides the preset. */
  cookieName?: string;
  /** `Domain` of the readable CSRF cookie, so an app on a sibling host can read it, e.g. `example.com`. Default: host-only. */
  cookieDomain?: string;
  /** Set the readable CSRF cookie for same-site callers. Default `true`. */
  readableCookie?: boolean;
}

export interface CookieOptions {
  /** Mark cross-site cookies `Partitioned` (CHIPS). Default `true`; switching it off loses the session in browsers that block third-party cookies. */
  partitioned?: boolean;
}

export interface CorsTuning {
  /** Methods granted to preflights. Default GET, HEAD, POST, PUT, PATCH, DELETE. */
  allowedMethods?: readonly string[];
  /** Request headers granted to preflights (lower-case). Default: content-type, authorization, the CSRF headers and a few safe extras. */
  allowedHeaders?: readonly string[];
  /** Extra response headers to expose; `X-CSRF-Token` and `Retry-After` always are. */
  exposedHeaders?: readonly string[];
  /** How long browsers may cache a preflight answer, in seconds. Default 7200. */
  maxAgeSeconds?: number;
}
