import { CSRF_RESPONSE_HEADER, PRE_SESSION_COOKIE, SESSION_COOKIE } from '@crossauth/protocol';
import { authCookie, setCookieLine, type CookieMode } from '../cookies/index.js';
import { randomToken } from '../crypto/index.js';
import type { CsrfBinding, CsrfTokens } from '../csrf/index.js';
import type { NormalizedOptions } from '../config/index.js';
import type { RequestView } from '../http/index.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { Sessions } from '../session/index.js';
import type { Store } from '../store/index.js';
import type { LoginThrottle } from '../throttle/index.js';
import type { Tokens } from '../tokens/index.js';
import type { RequestState } from './request-state.js';

/** Cookies and headers that an answer adds when it hands out a (new) CSRF token. */
export interface Handout {
  headers: Record<string, string>;
  cookies: string[];
}

/** The collaborators every route uses, built once by `createAuth`. */
export class AuthCore {
  constructor(
    readonly options: NormalizedOptions,
    readonly store: Store,
    readonly sessions: Sessions,
    readonly csrf: CsrfTokens,
    readonly passwords: PasswordHasher,
    readonly throttle: LoginThrottle,
    readonly tokens: Tokens,
  ) {}

  /** The address that throttling counts: the socket's, or the proxy's view of it with `trustProxy`. */
  clientAddress(view: RequestView): string {
    if (this.options.trustProxy) {
      const forwarded = view.header('x-forwarded-for');
      if (forwarded !== undefined) {
        // The last hop is the one our own proxy appended; earlier entries are whatever the client claimed.
        const last = forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
        if (last !== '') return last;
      }
    }
    return view.remoteAddress;
  }

  /** A fresh CSRF token for `binding`: in `X-CSRF-Token`, and in the readable cookie for same-site callers. */
  handOutCsrf(state: RequestState, binding: CsrfBinding): Handout & { token: string } {
    const token = this.csrf.issue(binding);
    const cookies: string[] = [];
    const readable = this.options.csrfCookie;
    if (readable !== undefined && state.mode.sameSiteCaller) {
      const common = { name: readable.name, value: token, httpOnly: false, partitioned: false, hostPrefix: false } as const;
      cookies.push(
        state.mode.secure
          ? setCookieLine({ ...common, secure: true, sameSite: 'lax', domain: readable.domain })
          : setCookieLine({ ...common, secure: false, sameSite: 'lax', domain: readable.domain }),
      );
    }
    return { token, headers: { [CSRF_RESPONSE_HEADER]: token }, cookies };
  }

  /** A new pre-session secret cookie: signup, login and logout rotate it so an old token never revives. */
  newPreSession(mode: CookieMode): { secret: string; cookie: string } {
    const secret = randomToken(this.options.random);
    return { secret, cookie: authCookie(mode, PRE_SESSION_COOKIE, secret) };
  }

  /**
   * Starts a session for `userId` (signup, login, password change): drops the session the request
   * came with (fixation, S1), sets the new cookie, rotates the pre-session secret and the CSRF token.
   */
  async startSession(state: RequestState, userId: string, remember: boolean): Promise<Handout> {
    if (state.principal?.kind === 'session') await this.sessions.destroy(state.principal.session.idHash);
    const created = await this.sessions.create(userId, remember, state.now);
    const pre = this.newPreSession(state.mode);
    const csrf = this.handOutCsrf(state, { kind: 'session', idHash: created.record.idHash });
    return {
      headers: csrf.headers,
      cookies: [authCookie(state.mode, SESSION_COOKIE, created.token, created.cookieMaxAgeSeconds), pre.cookie, ...csrf.cookies],
    };
  }

  /** Ends the cookie session in the browser: clears the session cookie, rotates pre-session and CSRF. */
  endSessionInBrowser(state: RequestState): Handout {
    const pre = this.newPreSession(state.mode);
    const csrf = this.handOutCsrf(state, { kind: 'pre', secret: pre.secret });
    const cookies = [authCookie(state.mode, SESSION_COOKIE, '', 0), pre.cookie, ...csrf.cookies];
    const sent = state.jar.read(SESSION_COOKIE);
    // A plain-named cookie from an earlier same-site http mode is cleared too, so nothing stale remains.
    if (sent !== undefined && !sent.prefixed && state.mode.secure) {
      cookies.push(setCookieLine({ name: SESSION_COOKIE, value: '', hostPrefix: false, secure: false, sameSite: 'lax', httpOnly: true, partitioned: false, maxAgeSeconds: 0 }));
    }
    return { headers: csrf.headers, cookies };
  }
}
