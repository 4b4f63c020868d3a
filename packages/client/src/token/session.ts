import { ROUTES, type DeviceSignupAnswer, type DeviceTokenAnswer, type PublicUser } from '@crossauth/protocol';
import { readJson, toError } from '../core/errors.js';
import type { Settings } from '../core/options.js';
import { crossTabLock } from './cross-tab.js';
import type { TokenPair } from './storage.js';

export const JSON_HEADERS = { 'Content-Type': 'application/json' };

function toPair(answer: Omit<DeviceTokenAnswer, 'id'>): TokenPair {
  return { token: answer.token, expiresAt: Date.parse(answer.expiresAt), refreshToken: answer.refreshToken };
}

/**
 * Token mode's state: the pair in memory, mirrored to the storage. Refresh is single-flight within the
 * page and, with shared storage, serialised across tabs: under the lock the storage is read again, and a
 * pair another tab already rotated is adopted instead of spending a refresh token that no longer works
 * (and whose reuse would make the server revoke the whole family).
 */
export function createTokenSession(settings: Settings, onExpired: () => void) {
  const { storage } = settings;
  const lock = storage.shared ? crossTabLock(`crossauth-refresh ${settings.base}`) : undefined;
  let pair: TokenPair | null | undefined;
  let loading: Promise<TokenPair | null> | undefined;
  let refreshing: Promise<TokenPair | null> | undefined;

  async function save(next: TokenPair | null): Promise<void> {
    pair = next;
    await storage.set(next);
  }

  async function post(route: string, body: object): Promise<Response> {
    return settings.fetch(settings.base + route, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  }

  async function spend(): Promise<TokenPair | null> {
    const stored = await storage.get();
    if (stored === null || stored.refreshToken !== pair?.refreshToken) return (pair = stored);
    const response = await post(ROUTES.tokenRefresh, { refreshToken: stored.refreshToken });
    if (response.ok) {
      const next = toPair((await readJson(response)) as DeviceTokenAnswer);
      await save(next);
      return next;
    }
    // 400/401: the refresh token is expired, revoked or replayed; the pair is dead. Anything else (a 503,
    // a proxy error) is passed on and the pair kept, so a flaky moment does not sign the user out.
    if (response.status !== 400 && response.status !== 401) throw await toError(response);
    await save(null);
    onExpired();
    return null;
  }

  const session = {
    get pair(): TokenPair | null {
      return pair ?? null;
    },
    load(): Promise<TokenPair | null> {
      if (pair !== undefined) return Promise.resolve(pair);
      return (loading ??= storage.get().then((stored) => (pair === undefined ? (pair = stored) : pair)));
    },
    save,
    /** Spends the refresh token once, however many callers ask at the same time. */
    refresh(): Promise<TokenPair | null> {
      return (refreshing ??= (lock ? lock(spend) : spend()).finally(() => (refreshing = undefined)));
    },
    /** The pair to send: refreshed first when the access token expires within the leeway. */
    async fresh(): Promise<TokenPair | null> {
      const current = await session.load();
      return current && current.expiresAt - settings.leewayMs <= settings.now() ? session.refresh() : current;
    },
    /** `POST /auth/token`: email and password for a pair. No cookie, Origin or CSRF token involved. */
    async login(email: string, password: string): Promise<void> {
      const response = await post(ROUTES.token, { email, password, name: settings.tokenName });
      if (!response.ok) throw await toError(response);
      await save(toPair((await readJson(response)) as DeviceTokenAnswer));
    },
    /** `POST /auth/token/signup`: creates the account and answers with its first pair; no cookie involved. */
    async signup(email: string, password: string): Promise<PublicUser> {
      const response = await post(ROUTES.tokenSignup, { email, password, name: settings.tokenName });
      if (!response.ok) throw await toError(response);
      const answer = (await readJson(response)) as DeviceSignupAnswer;
      await save(toPair(answer));
      return answer.user;
    },
  };
  return session;
}
