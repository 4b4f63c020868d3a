import { CSRF_RESPONSE_HEADER, ROUTES, type CsrfAnswer } from '@crossauth/protocol';
import { readJson, toError } from './errors.js';
import type { Settings } from './options.js';

/** The readable CSRF cookie, when this page can see it (same-site deployments with a suitable `Domain`). */
export function readCookie(name: string): string | undefined {
  const jar = (globalThis as { document?: { cookie?: string } }).document?.cookie;
  for (const part of jar ? jar.split(/;\s*/) : []) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq) !== name) continue;
    try {
      // Laravel URL-encodes its XSRF-TOKEN cookie; crossauth's and Django's tokens decode to themselves.
      return decodeURIComponent(part.slice(eq + 1));
    } catch {
      return part.slice(eq + 1);
    }
  }
  return undefined;
}

/**
 * Where the CSRF token comes from. The readable cookie wins when there is one, because every tab shares
 * it: a login in another tab rotates the token, and the cookie already holds the new one. Otherwise the
 * last `X-CSRF-Token` response header, which the server sends on `/auth/csrf` and on every rotation.
 */
export function createCsrf(settings: Settings) {
  let learned: string | undefined;
  let inflight: Promise<CsrfAnswer> | undefined;

  async function fetchToken(): Promise<CsrfAnswer> {
    const response = await settings.fetch(settings.base + ROUTES.csrf, { credentials: 'include' });
    if (!response.ok) throw await toError(response);
    const answer = (await readJson(response)) as CsrfAnswer;
    learned = response.headers.get(CSRF_RESPONSE_HEADER) ?? answer.csrfToken;
    return answer;
  }

  return {
    current: (): string | undefined => readCookie(settings.cookieName) ?? learned,
    learn(token: string | null | undefined): void {
      if (token) learned = token;
    },
    forget(): void {
      learned = undefined;
    },
    /** `GET /auth/csrf`, shared by every caller that asks while one is in flight. */
    fetch(): Promise<CsrfAnswer> {
      return (inflight ??= fetchToken().finally(() => (inflight = undefined)));
    },
  };
}
