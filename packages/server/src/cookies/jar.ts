import { parseCookie } from 'cookie';
import { HOST_PREFIX } from '@crossauth/protocol';

/**
 * The request's cookies, parsed once. The `cookie` library keeps the first of duplicate names (M2) and
 * never throws on malformed values (M3); parsing into a null-prototype object rules out pollution.
 */
export class CookieJar {
  private parsed: Record<string, string | undefined> | undefined;

  constructor(private readonly header: string | undefined) {}

  get present(): boolean {
    return this.header !== undefined && this.header.length > 0;
  }

  private all(): Record<string, string | undefined> {
    // `parseCookie` answers a null-prototype object, so `__proto__=1` is just a cookie name.
    return (this.parsed ??= this.header ? parseCookie(this.header) : Object.create(null));
  }

  /**
   * A crossauth cookie: the `__Host-` form wins when both arrive, so a non-prefixed cookie tossed from a
   * sibling subdomain is never used when the real one is there (X15, M2).
   */
  read(name: string): { value: string; prefixed: boolean } | undefined {
    if (!this.present) return undefined;
    const cookies = this.all();
    const prefixed = cookies[HOST_PREFIX + name];
    if (prefixed !== undefined) return { value: prefixed, prefixed: true };
    const plain = cookies[name];
    return plain === undefined ? undefined : { value: plain, prefixed: false };
  }
}
