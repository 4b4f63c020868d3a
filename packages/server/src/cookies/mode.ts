import { getDomain } from 'tldts';

/**
 * How cookies are set for one answer (DESIGN.md, "Cookie mode per request"): towards a same-site caller
 * a `SameSite=Lax` cookie (Secure when the API is on https); towards a cross-site caller
 * `SameSite=None; Secure; Partitioned`, because browsers that block third-party cookies keep only
 * partitioned ones (CHIPS). Sites are schemeful: scheme plus registrable domain from the Public Suffix
 * List; a host with no registrable domain (localhost, an IP address) is its own site.
 */
export interface CookieMode {
  sameSite: 'lax' | 'none';
  secure: boolean;
  partitioned: boolean;
  /** Whether the caller is same-site with the API (and so may read a cookie with a suitable Domain). */
  sameSiteCaller: boolean;
}

export interface CookieModeOptions {
  /** Add `Partitioned` to cross-site cookies. Default `true`. */
  partitioned: boolean;
}

const SITE_CACHE_LIMIT = 1024;

export function createCookieModes(options: CookieModeOptions) {
  const siteCache = new Map<string, string>();

  /** `scheme://registrable-domain`, memoised: the Public Suffix lookup is the costly part. */
  function siteOf(scheme: string, host: string): string {
    const cacheKey = `${scheme}://${host}`;
    let site = siteCache.get(cacheKey);
    if (site === undefined) {
      const bare = host.startsWith('[') ? host : host.replace(/:\d+$/, '');
      const domain = bare.startsWith('[') ? bare : (getDomain(bare, { allowPrivateDomains: true }) ?? bare);
      site = `${scheme}://${domain.toLowerCase()}`;
      if (siteCache.size >= SITE_CACHE_LIMIT) siteCache.clear();
      siteCache.set(cacheKey, site);
    }
    return site;
  }

  const sameSiteLax = (secure: boolean): CookieMode => ({ sameSite: 'lax', secure, partitioned: false, sameSiteCaller: true });
  const LAX_SECURE = sameSiteLax(true);
  const LAX_PLAIN = sameSiteLax(false);
  const CROSS: CookieMode = { sameSite: 'none', secure: true, partitioned: options.partitioned, sameSiteCaller: false };

  return {
    siteOf,
    /**
     * @param apiScheme `http` or `https`, of the API's public origin
     * @param apiHost host[:port] of the API's public origin
     * @param origin the request's `Origin` header, if any
     */
    decide(apiScheme: string, apiHost: string, origin: string | undefined): CookieMode {
      const secure = apiScheme === 'https';
      if (origin === undefined || origin === 'null') return secure ? LAX_SECURE : LAX_PLAIN;
      const separator = origin.indexOf('://');
      if (separator <= 0) return CROSS;
      const callerSite = siteOf(origin.slice(0, separator), origin.slice(separator + 3));
      if (callerSite === siteOf(apiScheme, apiHost)) return secure ? LAX_SECURE : LAX_PLAIN;
      return CROSS;
    },
  };
}

export type CookieModes = ReturnType<typeof createCookieModes>;
