import { CSRF_RESPONSE_HEADER, ROUTES, type PublicUser, type UserAnswer } from '@crossauth/protocol';
import { JSON_HEADERS, createTokenSession } from '../token/session.js';
import { createCsrf } from './csrf.js';
import { CrossauthError, errorCode, readJson, toError } from './errors.js';
import { createEmitter, type ClientEvents, type Listener, type ModeReason } from './events.js';
import { normalizeOptions, type ClientOptions, type Mode } from './options.js';

/** What an adapter adds to a request bound for the API. */
export interface Prepared {
  /** Headers to set: the CSRF header (cookie mode, unsafe methods) or `Authorization` (token mode). */
  headers: Record<string, string>;
  /** Whether to send cookies (`credentials: 'include'`, `withCredentials`). */
  credentials: boolean;
}

export interface Credentials {
  email: string;
  password: string;
  /** A persistent session cookie (cookie mode). Default `false`. */
  remember?: boolean;
}

export interface CrossauthClient {
  /** The mode in effect; `undefined` in `auto` until it is decided. */
  readonly mode: Mode | undefined;
  /** `fetch` with credentials, CSRF header or bearer token, recovery and retry. Paths starting with `/` are resolved against `baseUrl`. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  signup(credentials: Credentials): Promise<PublicUser>;
  login(credentials: Credentials): Promise<PublicUser>;
  /** Ends the session (cookie mode) or revokes the token pair (token mode). */
  logout(options?: { everywhere?: boolean }): Promise<void>;
  /** The signed-in user, or `null`. */
  me(): Promise<PublicUser | null>;
  /** Decides the mode now (in `auto`: a stored pair, else `/auth/csrf` asked whether cookies stick) instead of on first need. */
  ready(): Promise<Mode>;
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void;
  /** For adapters: whether a URL (absolute, or relative to the page) is one of the API origins. */
  isApiUrl(url: string): boolean;
  /** For adapters: what to add to a request, or `null` for a URL outside the API origins (left untouched). */
  prepare(method: string, url: string): Promise<Prepared | null>;
  /** For adapters: a response's `X-CSRF-Token` header value. */
  learn(token: string | null | undefined): void;
  /** For adapters: after a 401 or 403, renews what failed (CSRF token, access token) and says whether to retry. Retry once. */
  recover(status: number, body: unknown, prepared: Prepared): Promise<boolean>;
}

export function createClient(options: ClientOptions): CrossauthClient {
  const settings = normalizeOptions(options);
  const events = createEmitter();
  const csrf = createCsrf(settings);
  const tokens = createTokenSession(settings, () => events.emit('expired', undefined));
  let mode: Mode | undefined = settings.mode === 'auto' ? undefined : settings.mode;
  let deciding: Promise<Mode> | undefined;

  function decide(next: Mode, reason: ModeReason): Mode {
    mode = next;
    events.emit('mode', { mode: next, reason });
    return next;
  }

  function ready(): Promise<Mode> {
    if (mode) return Promise.resolve(mode);
    return (deciding ??= (async () => {
      if (await tokens.load()) return decide('token', 'stored-token');
      let answer = await csrf.fetch();
      // A first visit always answers `false`: the pre-session cookie is being set by that very answer.
      // The second call says whether the browser sent it back (DESIGN.md, "Knowing whether cookies stick").
      if (!answer.cookies) answer = await csrf.fetch();
      return mode ?? decide(answer.cookies ? 'cookie' : 'token', answer.cookies ? 'cookies-kept' : 'cookies-dropped');
    })().finally(() => (deciding = undefined)));
  }

  function isApiUrl(url: string): boolean {
    try {
      return settings.origins.has(new URL(url, (globalThis as { location?: { href: string } }).location?.href).origin);
    } catch {
      return false;
    }
  }

  /** `style` forces cookie-style requests in token mode: signup is a cookie route either way. */
  async function prepare(method: string, url: string, style?: Mode): Promise<Prepared | null> {
    if (!isApiUrl(url)) return null;
    const unsafe = !settings.safe.has(method.toUpperCase());
    // A safe request need not wait for the probe, unless a stored pair means the answer is token mode.
    const current = style ?? mode ?? (unsafe || (await tokens.load()) ? await ready() : 'cookie');
    if (current === 'token') {
      const pair = await tokens.fresh();
      return { headers: pair ? { Authorization: `Bearer ${pair.token}` } : {}, credentials: false };
    }
    let token = unsafe ? csrf.current() : undefined;
    if (unsafe && !token) token = (await csrf.fetch(), csrf.current());
    return { headers: token ? { [settings.headerName]: token } : {}, credentials: true };
  }

  async function recover(status: number, body: unknown, prepared: Prepared): Promise<boolean> {
    const bearer = prepared.headers.Authorization;
    if (status === 401 && bearer) {
      // Another request may have refreshed since this one left: then only the retry is needed.
      if (tokens.pair && `Bearer ${tokens.pair.token}` !== bearer) return true;
      return (await tokens.refresh()) !== null;
    }
    const code = errorCode(body);
    if (status !== 403 || !prepared.credentials || (code !== 'csrf_missing' && code !== 'csrf_invalid')) return false;
    if (csrf.current() === prepared.headers[settings.headerName]) {
      csrf.forget();
      await csrf.fetch();
    }
    return true;
  }

  async function request(input: string | URL, init: RequestInit = {}, style?: Mode, retried = false): Promise<Response> {
    const url = typeof input === 'string' && input.startsWith('/') ? settings.base + input : String(input);
    const prepared = await prepare(init.method ?? 'GET', url, style);
    if (!prepared) return settings.fetch(url, init);
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(prepared.headers)) headers.set(name, value);
    const response = await settings.fetch(url, { ...init, headers, credentials: prepared.credentials ? 'include' : init.credentials });
    csrf.learn(response.headers.get(CSRF_RESPONSE_HEADER));
    if (retried || (response.status !== 401 && response.status !== 403)) return response;
    const body = response.status === 403 ? await readJson(response.clone()) : undefined;
    return (await recover(response.status, body, prepared)) ? request(input, init, style, true) : response;
  }

  async function call<T>(route: string, body?: object, style?: Mode): Promise<T> {
    const init: RequestInit = body ? { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) } : {};
    const response = await request(settings.base + route, init, style);
    if (!response.ok) throw await toError(response);
    return (await readJson(response)) as T;
  }

  const client: CrossauthClient = {
    get mode() {
      return mode;
    },
    fetch: (input, init) => request(input, init),
    async signup(credentials) {
      // Token mode signs up through the bearer route: a browser that drops the API's cookies could never
      // pass the cookie route's CSRF check.
      if ((await ready()) === 'token') return tokens.signup(credentials.email, credentials.password);
      return (await call<UserAnswer>(ROUTES.signup, credentials)).user;
    },
    async login(credentials) {
      if ((await ready()) === 'cookie') return (await call<UserAnswer>(ROUTES.login, credentials)).user;
      await tokens.login(credentials.email, credentials.password);
      const user = await client.me();
      if (!user) throw new CrossauthError(401, 'unauthenticated', 'The new access token was refused.');
      return user;
    },
    async logout(options = {}) {
      if (mode !== 'token') return void (await call(ROUTES.logout, options));
      if (await tokens.load()) await call(ROUTES.logout, options).finally(() => tokens.save(null));
    },
    async me() {
      try {
        return (await call<UserAnswer>(ROUTES.me)).user;
      } catch (error) {
        if (error instanceof CrossauthError && error.status === 401) return null;
        throw error;
      }
    },
    ready,
    on: events.on,
    isApiUrl,
    prepare: (method, url) => prepare(method, url),
    learn: csrf.learn,
    recover,
  };
  return client;
}
