import { CSRF_REQUEST_HEADERS, SAFE_METHODS } from '@crossauth/protocol';
import { createCookieModes } from '../cookies/index.js';
import { compileCorsPolicy } from '../cors/index.js';
import { createCsrfTokens, isTrustedOrigin } from '../csrf/index.js';
import { hmacSha256 } from '../crypto/index.js';
import { normalizeOptions, type AuthOptions } from '../config/index.js';
import { errorVerdict, HttpError, type BodyReader, type RequestView, type ResponseHeaders, type Verdict } from '../http/index.js';
import { createPasswordHasher } from '../passwords/index.js';
import { COOKIE_AUTH_PATHS, matchRoute, TOKEN_PATHS, verifyCredentials } from '../routes/index.js';
import { SessionCache, Sessions } from '../session/index.js';
import { guardStore, StoreUnavailableError } from '../store/index.js';
import { createLoginThrottle } from '../throttle/index.js';
import { Tokens } from '../tokens/index.js';
import { AuthCore } from './core.js';
import type { Principal } from './principal.js';
import { RequestState } from './request-state.js';

/** The outcome of `auth.handle`: an answer to send, or the go-ahead for the application's own route. */
export type HandleResult = { kind: 'respond'; verdict: Verdict } | { kind: 'next'; context: AppContext };

/** What an application route learns from crossauth, and the headers its answer must carry. */
export interface AppContext {
  principal: Principal | null;
  /** CORS grant, `Vary`, and `Cache-Control: no-store` when authenticated: add these to the answer. */
  headers: ResponseHeaders;
  /** Milliseconds since the epoch, from the configured clock. */
  now: number;
}

export interface Auth {
  /** Runs one request through CORS, authentication and CSRF; answers preflights, refusals and the auth routes. */
  handle(view: RequestView, readBody: BodyReader): Promise<HandleResult>;
  /** The core, for routes that crossauth's own packages add (tokens, the reference server). */
  readonly core: AuthCore;
  /** Turns an error thrown by route code into a catalogue answer carrying this request's CORS headers. */
  errorAnswer(error: unknown, headers: ResponseHeaders): Verdict;
  /** Stops listening for other instances' logouts (the session cache's channel). The store is the caller's to close. */
  close(): void;
}

const SAFE = new Set(SAFE_METHODS);
const NO_STORE = 'no-store';
const VARY_AUTH = 'Origin, Cookie, Authorization';

export function createAuth(options: AuthOptions): Auth {
  const normalized = normalizeOptions(options);
  const cors = compileCorsPolicy({ origins: options.origins, development: normalized.development, ...options.cors });
  for (const warning of cors.warnings) normalized.onWarning(warning);

  const store = guardStore(options.store, normalized.storeTimeoutMs);
  const csrfKey = hmacSha256(normalized.secret, 'crossauth csrf key v1');
  const sessionCache = options.sessionCache === undefined ? undefined : new SessionCache(options.sessionCache);
  const core = new AuthCore(
    normalized,
    store,
    new Sessions(store, normalized.session, normalized.random, sessionCache),
    createCsrfTokens(csrfKey, normalized.random),
    createPasswordHasher(options.passwords),
    createLoginThrottle(store, options.throttle),
    new Tokens(store, normalized.tokens, normalized.random),
  );
  const modes = createCookieModes({ partitioned: normalized.partitioned });
  const publicOrigin = normalized.publicOrigin;

  function apiOrigin(view: RequestView): { scheme: string; host: string } {
    if (publicOrigin !== undefined) return publicOrigin;
    const proto = normalized.trustProxy ? view.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
    const forwardedHost = normalized.trustProxy ? view.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
    const scheme = proto === 'https' || proto === 'http' ? proto : view.secure ? 'https' : 'http';
    return { scheme, host: (forwardedHost ?? view.header('host') ?? 'localhost').toLowerCase() };
  }

  const decideMode = (view: RequestView, origin: string | undefined) => {
    const api = apiOrigin(view);
    return modes.decide(api.scheme, api.host, origin);
  };

  function errorAnswer(error: unknown, headers: ResponseHeaders): Verdict {
    if (error instanceof HttpError) return errorVerdict(error.code, error.message, { ...headers, ...error.headers });
    if (error instanceof StoreUnavailableError) {
      return errorVerdict('store_unavailable', 'The session store is unreachable; try again shortly.', { ...headers, 'Retry-After': '1' });
    }
    throw error;
  }

  function csrfTokenOf(view: RequestView): string | undefined {
    for (const name of CSRF_REQUEST_HEADERS) {
      const value = view.header(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /**
   * Step 3 of the request flow. `Authorization` decides alone when present — a bearer request is never
   * cookie-authenticated, and a bad one is refused rather than downgraded to the cookie (X14).
   */
  async function authenticate(state: RequestState, isAuthRoute: boolean): Promise<void> {
    const view = state.view;
    const authorization = view.header('authorization');
    if (authorization === undefined) {
      const session = await core.sessions.validate(state.sessionToken, state.now);
      if (session !== null) state.principal = { kind: 'session', userId: session.userId, session, abilities: ['*'] };
      return;
    }
    if (TOKEN_PATHS.has(view.path)) return; // credentials travel in the body there; a stale bearer is ignored
    if (view.headerCount('authorization') === 1 && authorization.startsWith('Bearer ')) {
      state.principal = await core.tokens.authenticate(authorization.slice(7), state.now);
      if (state.principal !== null) return;
      throw new HttpError('unauthenticated', 'The bearer token is unknown, expired or revoked.');
    }
    if (normalized.basicAuth && !isAuthRoute && view.headerCount('authorization') === 1 && authorization.startsWith('Basic ')) {
      state.principal = await basicPrincipal(state, authorization.slice(6));
      return;
    }
    throw new HttpError('unauthenticated', 'Send "Authorization: Bearer <token>", or no Authorization header to use the session cookie.');
  }

  const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="crossauth", charset="UTF-8"' };

  /** HTTP Basic, when enabled: the same hashing and throttling as login; its 401s carry the challenge. */
  async function basicPrincipal(state: RequestState, encoded: string): Promise<Principal> {
    const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new HttpError('invalid_credentials', 'HTTP Basic credentials must be email:password.', BASIC_CHALLENGE);
    try {
      const user = await verifyCredentials(core, state, decoded.slice(0, colon), decoded.slice(colon + 1));
      return { kind: 'basic', userId: user.id, abilities: ['*'] };
    } catch (error) {
      if (error instanceof HttpError && error.code === 'invalid_credentials') throw new HttpError(error.code, error.message, BASIC_CHALLENGE);
      throw error;
    }
  }

  async function handle(view: RequestView, readBody: BodyReader): Promise<HandleResult> {
    const preflight = cors.answerPreflight(view);
    if (preflight !== null) {
      const verdict = preflight.status === 204 ? { status: 204, headers: preflight.headers, cookies: [], body: undefined } : errorVerdict(preflight.code, preflight.message, preflight.headers);
      return { kind: 'respond', verdict };
    }
    const state = new RequestState(view, normalized.clock(), cors.corsHeadersFor(view).headers, decideMode);
    const route = matchRoute(view.path);
    const headers = route === undefined ? state.headers : { ...state.headers, 'Cache-Control': NO_STORE, Vary: VARY_AUTH };
    try {
      await authenticate(state, route !== undefined);
      const cookieRequest = state.principal === null || state.principal.kind === 'session';
      if (!SAFE.has(view.method) && cookieRequest && !TOKEN_PATHS.has(view.path) && (state.jar.present || COOKIE_AUTH_PATHS.has(view.path))) {
        // The API's own origin counts only when configured: taken from `Host`, a DNS-rebinding page would pass.
        if (!isTrustedOrigin(view, state.origin, cors.isAllowed, publicOrigin?.origin)) {
          throw new HttpError('origin_not_allowed', 'This request must come from an allowed origin (add the app to `origins`), and cookie-authenticated requests without an Origin are refused.');
        }
        const check = core.csrf.verify(csrfTokenOf(view), state.csrfBinding);
        if (check === 'csrf_missing') throw new HttpError('csrf_missing', 'Send the CSRF token from GET /auth/csrf in the X-CSRF-Token header.');
        if (check === 'csrf_invalid') throw new HttpError('csrf_invalid', 'The CSRF token does not match this session; fetch a fresh one from GET /auth/csrf.');
      }
      if (route === undefined) {
        const appHeaders = state.principal === null ? headers : { ...headers, 'Cache-Control': NO_STORE, Vary: VARY_AUTH };
        return { kind: 'next', context: { principal: state.principal, headers: appHeaders, now: state.now } };
      }
      // Own properties only: a method named `constructor` or `__proto__` must not find Object's.
      const handler = Object.hasOwn(route, view.method) ? route[view.method] : undefined;
      if (handler === undefined) {
        return { kind: 'respond', verdict: errorVerdict('method_not_allowed', `${view.path} does not answer ${view.method}.`, { ...headers, Allow: Object.keys(route).join(', ') }) };
      }
      const verdict = await handler({ core, state, readBody });
      verdict.headers = { ...headers, ...verdict.headers };
      return { kind: 'respond', verdict };
    } catch (error) {
      return { kind: 'respond', verdict: errorAnswer(error, headers) };
    }
  }

  return {
    handle,
    core,
    errorAnswer,
    close: () => sessionCache?.close(),
  };
}
