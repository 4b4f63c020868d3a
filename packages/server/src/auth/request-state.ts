import { PRE_SESSION_COOKIE, SESSION_COOKIE } from '@crossauth/protocol';
import { CookieJar, type CookieMode } from '../cookies/index.js';
import { isTokenShaped } from '../crypto/index.js';
import type { CsrfBinding } from '../csrf/index.js';
import type { RequestView, ResponseHeaders } from '../http/index.js';
import type { Principal } from './principal.js';

/** Everything the pipeline learns about one request, computed at most once. */
export class RequestState {
  readonly jar: CookieJar;
  readonly origin: string | undefined;
  principal: Principal | null = null;
  /** Response headers every answer to this request carries (CORS grant, Vary). */
  readonly headers: ResponseHeaders;
  private cookieMode: CookieMode | undefined;

  constructor(
    readonly view: RequestView,
    readonly now: number,
    corsHeaders: ResponseHeaders,
    private readonly decideMode: (view: RequestView, origin: string | undefined) => CookieMode,
  ) {
    this.jar = new CookieJar(view.header('cookie'));
    this.origin = view.header('origin');
    this.headers = corsHeaders;
  }

  get mode(): CookieMode {
    return (this.cookieMode ??= this.decideMode(this.view, this.origin));
  }

  /**
   * One of crossauth's HttpOnly cookies. On an https API they are always set Secure, and so `__Host-`;
   * a plain-named one can only have been tossed in by a sibling subdomain (`Domain=example.com`), so it
   * is ignored there (X15). On an http API (development) the plain name is the same-site form.
   */
  private authCookie(name: string): string | undefined {
    const cookie = this.jar.read(name);
    if (cookie === undefined || cookie.prefixed) return cookie?.value;
    // With no Origin the mode is the API's own: Secure exactly when the API is https.
    return this.decideMode(this.view, undefined).secure ? undefined : cookie.value;
  }

  get sessionToken(): string | undefined {
    return this.authCookie(SESSION_COOKIE);
  }

  /** The pre-session secret from the cookie, if well-formed. */
  get preSecret(): string | undefined {
    const value = this.authCookie(PRE_SESSION_COOKIE);
    return isTokenShaped(value) ? value : undefined;
  }

  /** What this request's CSRF token must be bound to: the live session, else the pre-session secret. */
  get csrfBinding(): CsrfBinding | null {
    if (this.principal?.kind === 'session') return { kind: 'session', idHash: this.principal.session.idHash };
    const secret = this.preSecret;
    return secret === undefined ? null : { kind: 'pre', secret };
  }
}
