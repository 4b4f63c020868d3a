import { ROUTES } from '@crossauth/protocol';
import type { Browser } from './browser.js';
import { cookieHeader, judgeCookies, type CookieJar } from './cookie-checks.js';
import { judgeActual, judgePreflight } from './cors-checks.js';
import { judgeCsrfDelivery } from './csrf-checks.js';

/**
 * `--login`: the crossauth contract as the app's browser runs it (DESIGN.md, HTTP contract): the token
 * from `GET /auth/csrf`, then `POST /auth/login` with `Origin`, the token in `X-CSRF-Token` and only the
 * cookies the browser kept, then `GET /auth/me` with the cookies it kept from the login answer.
 */

export interface LoginRequest {
  email: string;
  /** From CROSSAUTH_DOCTOR_PASSWORD or a prompt; never from the command line. */
  password: string;
  /** Ask for a persistent session ("remember me"). */
  remember: boolean;
}

interface LoginState {
  /** Any URL of the API; the contract's routes are resolved against it. */
  base: URL;
  /** Cookies kept from the earlier answers (the pre-session cookie of GET /auth/csrf). */
  jar: CookieJar;
  /** The CSRF token the app could read from GET /auth/csrf, if any. */
  csrfToken: string | undefined;
}

function errorCode(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : '';
    const message = typeof parsed.error?.message === 'string' ? ` (${parsed.error.message})` : '';
    return `${code}${message}`;
  } catch {
    return '';
  }
}

export async function runLogin(browser: Browser, login: LoginRequest, state: LoginState): Promise<void> {
  const { list, topology } = browser;
  const loginUrl = new URL(ROUTES.login, state.base);
  const label = `POST ${ROUTES.login}`;
  const headers = ['content-type', 'x-csrf-token'];
  const preflight = await browser.preflight(loginUrl, 'POST', headers);
  if (preflight === undefined) return;
  const preflightGranted = judgePreflight(preflight, 'POST', headers, `The preflight for ${label}`, list);

  const answer = await browser.request(loginUrl, 'POST', headers, {
    values: state.csrfToken === undefined ? {} : { 'x-csrf-token': state.csrfToken },
    cookie: cookieHeader(state.jar),
    body: JSON.stringify({ email: login.email, password: login.password, remember: login.remember }),
  });
  if (answer === undefined) return;
  const granted = judgeActual(answer, label, preflightGranted, list);
  judgeCookies(answer, topology, label, list, state.jar);
  judgeCsrfDelivery(answer, granted, topology, label, list);
  if (answer.status !== 200) {
    const code = errorCode(answer.body);
    const sent = state.jar.size === 0 ? 'no cookies (the browser kept none from GET /auth/csrf)' : `cookies ${[...state.jar.keys()].join(', ')}`;
    const token = state.csrfToken === undefined ? 'no CSRF token (none was readable from GET /auth/csrf)' : 'the CSRF token from GET /auth/csrf';
    list.add('login.failed', `${label} as ${login.email}, sent with ${sent} and ${token}, answered ${answer.status}${code === '' ? '' : ` ${code}`}.`);
    return;
  }
  list.pass(`${label} as ${login.email} succeeded`);

  const me = await browser.request(new URL(ROUTES.me, state.base), 'GET', [], { cookie: cookieHeader(state.jar) });
  if (me === undefined) return;
  if (me.status === 200) {
    list.pass(`GET ${ROUTES.me} after login is signed in: the browser keeps and sends the session cookie`);
  } else {
    const sent = state.jar.size === 0 ? 'no cookies (the browser kept none)' : `cookies ${[...state.jar.keys()].join(', ')}`;
    list.add('login.session-not-kept', `GET ${ROUTES.me} after login, sent with ${sent}, answered ${me.status}.`);
  }
}
