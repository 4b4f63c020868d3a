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
    if (this.parsed === undefined) {
      const result: Record<string, string | undefined> = Object.create(null);
      if (this.header) Object.assign(result, parseCookie(this.header));
      this.parsed = result;
    }
    return this.parsed;
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
